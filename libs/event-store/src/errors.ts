import { DomainError } from '@livedesk/contracts';

/** The stream's version is not what the caller expected (optimistic concurrency). */
export class StreamVersionConflictError extends Error {
  readonly code = 'conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersionLabel,
    readonly actual: number | undefined,
  ) {
    super(`stream ${streamId} is at version ${actual ?? 'unknown'}, expected ${String(expected)}`);
    this.name = 'StreamVersionConflictError';
  }
}

/** The stream exists and belongs to another organization. */
export class StreamOwnershipError extends Error {
  readonly code = 'authorization';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} belongs to another organization`);
    this.name = 'StreamOwnershipError';
  }
}

/** Some, not all, of the event ids of an append are already stored (or stored in another stream). */
export class EventIdReuseError extends Error {
  readonly code = 'conflict';
  constructor(readonly streamId: string) {
    super(`an append to ${streamId} reuses event ids of other events`);
    this.name = 'EventIdReuseError';
  }
}

type ExpectedVersionLabel = number | 'no_stream' | 'any';

/**
 * The largest encoded `data` of one event, in bytes (UTF-8 JSON). Well below NATS's
 * max_payload (1 MB, set on purpose in deploy/): an envelope adds a few hundred bytes of
 * positions and metadata, and each domain bounds its own payloads far below this (message text,
 * ticket copies); this is the safety net that keeps any event publishable.
 */
export const EVENT_DATA_MAX_BYTES = 256 * 1024;

/** An event whose data exceeds EVENT_DATA_MAX_BYTES: refused before anything is stored. */
export class EventTooLargeError extends DomainError {
  constructor(
    readonly streamId: string,
    readonly eventType: string,
    readonly bytes: number,
  ) {
    super(
      'validation',
      'event_too_large',
      `a ${eventType} event of ${bytes} bytes exceeds the limit of ${EVENT_DATA_MAX_BYTES} bytes per event`,
    );
    this.name = 'EventTooLargeError';
  }
}
