import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { outgoingHeaders, runInClientSpan } from '../context/request-context.js';
import type { CommandClient } from './command-client.js';
import { CommandReplies } from './command-replies.js';
import { commandFailureOf } from './command-failure.js';

export interface SendCommandOptions<T> {
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** Parses the reply (a zod schema's `parse`, say): a reply is input like any other. */
  parseReply?: (reply: unknown) => T;
}

/**
 * Sends one command and waits for its one reply. Fails with `CommandFailedError` (the
 * handler's code and message) or a `DependencyUnavailableError` (`CommandTimeoutError`,
 * `NoRespondersError`, `NatsUnavailableError`), never with an untyped error from the transport.
 * While the NATS connection is down it fails at once, and a command waiting for its reply fails
 * when the connection drops, instead of each waiting out its timeout.
 *
 * The request id of the work in hand (`runRequest`) and its trace context go along in the
 * message's headers (`x-request-id`, `traceparent`), so the handler logs under the same id.
 */
export async function sendCommand<T = unknown>(
  client: CommandClient,
  pattern: string,
  payload: unknown,
  options: SendCommandOptions<T> = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const subject = client.subjectOf(pattern);
  return runInClientSpan(subject, async () => {
    let reply: unknown;
    try {
      const headers = outgoingHeaders();
      reply = await client.connectionWatch.unlessDisconnected(() =>
        requestReply(client.connection, subject, pattern, payload, headers, timeoutMs),
      );
    } catch (error) {
      throw commandFailureOf(error, subject);
    }
    return options.parseReply ? options.parseReply(reply) : (reply as T);
  });
}

/** Ids of this process's requests: a Nest command server answers a message without one as an event, with no reply. */
let lastRequestId = 0;

/**
 * One request in the packets Nest's NATS transport exchanges (`NatsRecordSerializer` out,
 * `{ id, response | err, isDisposed }` back), whose reply comes to the connection's one reply
 * subscription (`CommandReplies`). Nest's `ClientNats` subscribed to a new inbox for every
 * request and unsubscribed after it: three protocol operations instead of one, and a
 * subscription made and dropped in the NATS server each time; it also went through an rxjs
 * observable per request. A command has one reply, so the first is the answer.
 */
async function requestReply(
  connection: NatsConnection,
  subject: string,
  pattern: string,
  payload: unknown,
  headers: MsgHdrs | undefined,
  timeoutMs: number,
): Promise<unknown> {
  lastRequestId += 1;
  const packet = JSON.stringify({ pattern, data: payload ?? null, id: String(lastRequestId) });
  const reply = await CommandReplies.of(connection).request(subject, packet, headers, timeoutMs);
  if (reply.data.length === 0) throw new EmptyReplyError(subject);
  const { err, response } = reply.json<{ err?: unknown; response?: unknown }>();
  // As Nest's client: a reply that carries an error fails the command with it.
  if (err) throw err;
  return response;
}

/** A reply with no body where a packet was due. */
class EmptyReplyError extends Error {
  constructor(subject: string) {
    super(`Empty response. There are no subscribers listening to that message ("${subject}")`);
    this.name = 'EmptyReplyError';
  }
}
