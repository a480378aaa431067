import { sql, type Kysely, type Transaction } from 'kysely';
import { RECORDED_EVENT_COLUMNS, recordedEventColumnsSql, recordedEventOfRow } from './event-row.js';
import type { RecordedEvent } from './types.js';

/** `RECORDED_EVENT_COLUMNS` of the events table joined as `e`. */
const RECORDED_EVENT_COLUMNS_OF_E = sql.raw(recordedEventColumnsSql({ alias: 'e' }));

/** The events of one stream with a version above `afterVersion`, in version order. */
export async function readStream<DB>(
  db: Kysely<DB> | Transaction<DB>,
  streamId: string,
  options: { afterVersion?: number; limit?: number } = {},
): Promise<RecordedEvent[]> {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT ${RECORDED_EVENT_COLUMNS}
      FROM event_store.events
     WHERE stream_id = ${streamId} AND stream_version > ${options.afterVersion ?? 0}
     ORDER BY stream_version
     LIMIT ${options.limit ?? null}`.execute(db);
  return rows.map(recordedEventOfRow);
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
  const { rows } = await sql<Record<string, unknown>>`
    SELECT ${RECORDED_EVENT_COLUMNS}
      FROM event_store.events
     WHERE stream_id = ${streamId} AND stream_version < ${options.beforeVersion ?? Number.MAX_SAFE_INTEGER}
     ORDER BY stream_version DESC
     LIMIT ${options.limit}`.execute(db);
  return rows.map(recordedEventOfRow);
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

/**
 * The events of many streams, each above its own `afterVersion`, in one statement (many
 * `get_chat` reads answered together); a stream asked twice is read from the lower version.
 * Every stream asked is in the answer (no events when it has none after its version); a reader
 * asking a higher version than another of the same stream drops the events at or below its own.
 */
export async function readStreams<DB>(
  db: Kysely<DB> | Transaction<DB>,
  reads: readonly { streamId: string; afterVersion: number }[],
): Promise<Map<string, RecordedEvent[]>> {
  const after = new Map<string, number>();
  for (const read of reads)
    after.set(read.streamId, Math.min(after.get(read.streamId) ?? read.afterVersion, read.afterVersion));
  const result = new Map<string, RecordedEvent[]>([...after.keys()].map((id) => [id, []]));
  if (after.size === 0) return result;
  // Each stream by its own index probe: as a plain join, a table grown since its last ANALYZE
  // (a burst on a young database) was planned as a hash join over a scan of every event. The
  // ORDER BY keeps the LATERAL subquery from being flattened back into that join.
  const { rows } = await sql<Record<string, unknown>>`
    SELECT ${RECORDED_EVENT_COLUMNS_OF_E}
      FROM unnest(${[...after.keys()]}::text[], ${[...after.values()]}::bigint[]) AS wanted(stream_id, after_version)
     CROSS JOIN LATERAL (
       SELECT * FROM event_store.events s
        WHERE s.stream_id = wanted.stream_id AND s.stream_version > wanted.after_version
        ORDER BY s.stream_version
     ) e
     ORDER BY e.stream_id, e.stream_version`.execute(db);
  for (const row of rows) {
    const event = recordedEventOfRow(row);
    result.get(event.streamId)!.push(event);
  }
  return result;
}
