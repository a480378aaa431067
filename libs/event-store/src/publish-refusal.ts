import { JetStreamApiError } from '@nats-io/jetstream';

/** Bytes of a JetStream publish besides the envelope: the headers (message id, expected stream). */
export const PUBLISH_HEADER_ALLOWANCE_BYTES = 512;

/** JetStream's refusal of a message larger than the stream's max_msg_size (JSStreamMessageExceedsMaximumErr). */
const STREAM_MESSAGE_TOO_LARGE = 10054;

/**
 * Whether an envelope of this many bytes can never be published to a server that takes
 * messages of `maxPayload` bytes at the most (the server's `max_payload`, from its INFO).
 */
export function exceedsMaxPayload(envelopeBytes: number, maxPayload: number): boolean {
  return envelopeBytes + PUBLISH_HEADER_ALLOWANCE_BYTES > maxPayload;
}

/**
 * Whether a failed publish failed for good for this one message, so retrying it can only fail
 * again: the client refused it as larger than max_payload (the server's limit changed after the
 * relay measured it), or JetStream refused it as larger than the stream allows. Everything else
 * (no responders while NATS or the stream is away, a timeout, a closed connection, a stream
 * that does not match) is transient, or at least not the message's fault, and is retried.
 */
export function isPermanentRefusal(error: unknown): boolean {
  if (error instanceof JetStreamApiError) return error.code === STREAM_MESSAGE_TOO_LARGE;
  if (error instanceof Error) return error.name === 'InvalidArgumentError' && error.message.includes('max_payload');
  return false;
}
