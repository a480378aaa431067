import { sql, type Kysely } from 'kysely';
import type { EventStoreTables } from './database.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-row.js';
import type { RecordedEvent } from './types.js';

/** The events of one stream with a version above `afterVersion`, in version order. */
export async function readStream(
  db: Kysely<EventStoreTables>,
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

/** The stream's current version, or undefined when it does not exist. */
export async function streamVersion(db: Kysely<EventStoreTables>, streamId: string): Promise<number | undefined> {
  const row = await db.selectFrom('event_store.streams').select('version').where('stream_id', '=', streamId).executeTakeFirst();
  return row ? Number(row.version) : undefined;
}
