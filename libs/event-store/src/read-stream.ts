import { sql, type Kysely, type Transaction } from 'kysely';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-row.js';
import type { RecordedEvent } from './types.js';

/** The events of one stream with a version above `afterVersion`, in version order. */
export async function readStream<DB>(
  db: Kysely<DB> | Transaction<DB>,
  streamId: string,
  options: { afterVersion?: number; limit?: number } = {},
): Promise<RecordedEvent[]> {
  const { rows } = await sql<EventRow>`
    SELECT ${EVENT_COLUMNS}
      FROM event_store.events
     WHERE stream_id = ${streamId} AND stream_version > ${options.afterVersion ?? 0}
     ORDER BY stream_version
     LIMIT ${options.limit ?? null}`.execute(db);
  return rows.map(toRecordedEvent);
}

/**
 * The events of one stream with a version below `beforeVersion` (all: undefined), newest first:
 * a keyset page of an audit log. The stream's versions have no gaps, so the last event's version
 * is the next page's `beforeVersion`.
 */
export async function readStreamBackward<DB>(
  db: Kysely<DB> | Transaction<DB>,
  streamId: string,
  options: { beforeVersion?: number; limit: number },
): Promise<RecordedEvent[]> {
  const { rows } = await sql<EventRow>`
    SELECT ${EVENT_COLUMNS}
      FROM event_store.events
     WHERE stream_id = ${streamId} AND stream_version < ${options.beforeVersion ?? Number.MAX_SAFE_INTEGER}
     ORDER BY stream_version DESC
     LIMIT ${options.limit}`.execute(db);
  return rows.map(toRecordedEvent);
}

/** The stream's current version, or undefined when it does not exist. */
export async function streamVersion<DB>(
  db: Kysely<DB> | Transaction<DB>,
  streamId: string,
): Promise<number | undefined> {
  const { rows } = await sql<{
    version: string;
  }>`SELECT version FROM event_store.streams WHERE stream_id = ${streamId}`.execute(db);
  return rows[0] ? Number(rows[0].version) : undefined;
}
