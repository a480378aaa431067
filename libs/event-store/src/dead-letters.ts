import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DeadLettersTable, DeadLetterStatus, EventStoreTables } from './database.js';
import type { Logger } from 'pino';
import type { RecordedEvent } from './types.js';

/**
 * Why a reader stepped past an event: `too_large` (its envelope exceeds the NATS server's
 * max_payload), `refused` (JetStream refused that one message for good), `handler_failed` (a
 * subscription's handler failed every attempt).
 */
export type ParkReason = 'too_large' | 'refused' | 'handler_failed';

/** The outbox relay's name as a reader of dead letters. */
export const OUTBOX_RELAY_READER = 'outbox-relay';

export interface DeadLetter {
  id: string;
  /** `outbox-relay`, or the subscription's consumer name. */
  reader: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  organizationId: string;
  eventType: string;
  reason: ParkReason;
  error: string;
  attempts: number;
  status: DeadLetterStatus;
  parkedAt: Date;
  updatedAt: Date;
}

type Db = Kysely<EventStoreTables> | Transaction<EventStoreTables>;

/**
 * Records that `reader` stepped past `event`. A reader that meets the event again (a relay
 * re-reading after a crash, a redelivery) finds its row and leaves it as it is, whatever an
 * operator did with it since.
 */
export async function parkEvent(
  db: Db,
  entry: { reader: string; event: RecordedEvent; reason: ParkReason; error: string; attempts: number },
): Promise<void> {
  const { event } = entry;
  await db
    .insertInto('event_store.dead_letters')
    .values({
      reader: entry.reader,
      event_id: event.eventId,
      stream_id: event.streamId,
      stream_version: String(event.streamVersion),
      global_position: String(event.globalPosition),
      organization_id: event.organizationId,
      event_type: event.type,
      reason: entry.reason,
      error: entry.error.slice(0, 2000),
      attempts: entry.attempts,
    })
    .onConflict((oc) => oc.constraint('dead_letters_reader_event_unique').doNothing())
    .execute();
}

export interface ListDeadLettersOptions {
  status?: DeadLetterStatus;
  reader?: string;
  organizationId?: string;
  /** Rows with a larger id than this (keyset paging). */
  afterId?: string;
  limit?: number;
}

export async function listDeadLetters(db: Db, options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
  let query = db
    .selectFrom('event_store.dead_letters')
    .selectAll()
    .orderBy('id')
    .limit(options.limit ?? 100);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.reader) query = query.where('reader', '=', options.reader);
  if (options.organizationId) query = query.where('organization_id', '=', options.organizationId);
  if (options.afterId) query = query.where('id', '>', options.afterId);
  return (await query.execute()).map(toDeadLetter);
}

export async function getDeadLetter(db: Db, id: string): Promise<DeadLetter | undefined> {
  const row = await db.selectFrom('event_store.dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toDeadLetter(row) : undefined;
}

/** Moves a dead letter from one of `from` to `to`; answers the moved row, or undefined when it was not in `from` (or does not exist). */
export async function moveDeadLetter(
  db: Db,
  id: string,
  from: readonly DeadLetterStatus[],
  to: DeadLetterStatus,
): Promise<DeadLetter | undefined> {
  const moved = await db
    .updateTable('event_store.dead_letters')
    .set({ status: to, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', 'in', from)
    .returningAll()
    .executeTakeFirst();
  return moved ? toDeadLetter(moved) : undefined;
}

/** The oldest replay requests of one reader. */
export async function replayRequestsOf(db: Db, reader: string, limit: number): Promise<DeadLetter[]> {
  return listDeadLetters(db, { reader, status: 'replay_requested', limit });
}

/**
 * The events a reader stepped past and has not had replayed: a rebuild of that reader leaves
 * them out too, so that it gives the rows live consumption gave.
 */
export async function skippedEventIds(db: Db, reader: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('event_store.dead_letters')
    .select('event_id')
    .where('reader', '=', reader)
    .where('status', '<>', 'replayed')
    .execute();
  return new Set(rows.map((row) => row.event_id));
}

/** A replay that failed: the row is parked again with the new error. */
export async function replayFailed(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('event_store.dead_letters')
    .set({ status: 'parked', error: error.slice(0, 2000), attempts: sql`attempts + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Rows parked (waiting for an operator) and asked to replay, per reader: the figures for alerts. */
export async function countOpenDeadLetters(
  db: Db,
): Promise<{ reader: string; status: 'parked' | 'replay_requested'; count: number }[]> {
  const rows = await db
    .selectFrom('event_store.dead_letters')
    .select(['reader', 'status', (eb) => eb.fn.countAll<string>().as('count')])
    .where('status', 'in', ['parked', 'replay_requested'])
    .groupBy(['reader', 'status'])
    .execute();
  return rows.map((row) => ({
    reader: row.reader,
    status: row.status as 'parked' | 'replay_requested',
    count: Number(row.count),
  }));
}

function toDeadLetter(row: Selectable<DeadLettersTable>): DeadLetter {
  return {
    id: String(row.id),
    reader: row.reader,
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    globalPosition: Number(row.global_position),
    organizationId: row.organization_id,
    eventType: row.event_type,
    reason: row.reason as ParkReason,
    error: row.error,
    attempts: row.attempts,
    status: row.status,
    parkedAt: row.parked_at,
    updatedAt: row.updated_at,
  };
}

/** The error log line of an event a subscription parked (both kinds of subscription write it alike). */
export function logParked(
  logger: Logger | undefined,
  consumer: string,
  event: RecordedEvent,
  error: unknown,
  attempts: number,
): void {
  logger?.error(
    {
      err: error,
      consumer,
      eventId: event.eventId,
      streamId: event.streamId,
      streamVersion: event.streamVersion,
      organizationId: event.organizationId,
      type: event.type,
      attempts,
    },
    'event parked: its handler failed every attempt; the consumer goes on past it (docs/dead-letters.md)',
  );
}

/** An error as one line for a dead letter's `error`. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
