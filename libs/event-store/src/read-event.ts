import { sql, type Kysely, type Transaction } from 'kysely';
import { RECORDED_EVENT_COLUMNS, recordedEventOfRow } from './event-row.js';
import type { RecordedEvent } from './types.js';

/** One stored event by its id, or undefined. */
export async function readEvent(
  db: Kysely<any> | Transaction<any>,
  eventId: string,
): Promise<RecordedEvent | undefined> {
  const { rows } = await sql<
    Record<string, unknown>
  >`SELECT ${RECORDED_EVENT_COLUMNS} FROM event_store.events WHERE event_id = ${eventId}::uuid`.execute(db);
  return rows[0] ? recordedEventOfRow(rows[0]) : undefined;
}
