import { sql, type Kysely } from 'kysely';
import type { EventStoreTables } from './database.js';
import type { GlobalCheckpoint } from './types.js';

export async function loadCheckpoint(
  db: Kysely<EventStoreTables>,
  reader: string,
): Promise<GlobalCheckpoint | undefined> {
  const row = await db
    .selectFrom('event_store.checkpoints')
    .select(['transaction_id', 'global_position'])
    .where('reader', '=', reader)
    .executeTakeFirst();
  return row ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) } : undefined;
}

/**
 * Moves a reader's checkpoint forward, never back: a relay that lost leadership while
 * publishing may store its checkpoint after the new leader stored a later one.
 */
export async function saveCheckpoint(
  db: Kysely<EventStoreTables>,
  reader: string,
  checkpoint: GlobalCheckpoint,
): Promise<void> {
  await sql`
    INSERT INTO event_store.checkpoints AS c (reader, transaction_id, global_position)
    VALUES (${reader}, ${checkpoint.transactionId}::xid8, ${checkpoint.globalPosition})
    ON CONFLICT (reader) DO UPDATE
      SET transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = now()
      WHERE (c.transaction_id, c.global_position) < (excluded.transaction_id, excluded.global_position)`.execute(db);
}
