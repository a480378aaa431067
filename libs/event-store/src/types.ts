/** `any`: no check. `no_stream`: the stream must not exist yet. A number: the stream's current version. */
export type ExpectedVersion = number | 'no_stream' | 'any';

export interface EventMetadata {
  causationId?: string;
  correlationId?: string;
  [key: string]: unknown;
}

/** An event to append. The caller picks the id, so a retried append is recognised. */
export interface NewEvent {
  eventId: string;
  type: string;
  schemaVersion?: number;
  data: unknown;
  metadata?: EventMetadata;
  occurredAt?: Date;
}

/** An event as stored. */
export interface RecordedEvent {
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  /** The Postgres transaction that wrote it (xid8, as a decimal string). */
  transactionId: string;
  organizationId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
  occurredAt: Date;
}

export interface AppendResult {
  /** The stream's version after the append (the version of its last event). */
  nextExpectedVersion: number;
  firstPosition: number;
  lastPosition: number;
  /** True when every event was already stored: nothing was written. */
  duplicate: boolean;
}

/**
 * A place in the global log: the (transaction id, global position) pair of the last event read.
 * Events are read in that order, never by position alone (see read-all.ts).
 */
export interface GlobalCheckpoint {
  transactionId: string;
  globalPosition: number;
}

export const START: GlobalCheckpoint = { transactionId: '0', globalPosition: 0 };
