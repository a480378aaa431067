import { sql, type Kysely } from 'kysely';
import { loadCheckpoint } from './checkpoints.js';
import type { EventStoreTables } from './database.js';
import { OUTBOX_RELAY_READER } from './dead-letters.js';
import { START } from './types.js';

/** Counted up to this many: a backlog that large is an emergency whatever its exact size. */
export const OUTBOX_BACKLOG_COUNT_LIMIT = 1_000_000;

export interface OutboxBacklog {
  /** Committed events after the outbox relay's stored checkpoint (at most OUTBOX_BACKLOG_COUNT_LIMIT). */
  events: number;
  /** Seconds since the oldest of them was recorded; 0 when there is none. */
  oldestAgeSeconds: number;
}

/**
 * The events committed and not yet published by the outbox relay: those after its stored
 * checkpoint. The relay stores its checkpoint at most every 250 ms while busy (and whenever it
 * runs out of events), so a healthy relay shows a few events at most, for a moment.
 */
export async function outboxBacklog(db: Kysely<EventStoreTables>): Promise<OutboxBacklog> {
  const after = (await loadCheckpoint(db, OUTBOX_RELAY_READER)) ?? START;
  const { rows } = await sql<{ events: string; oldest_age_seconds: string | null }>`
    SELECT count(*) AS events, extract(epoch FROM now() - min(recorded_at)) AS oldest_age_seconds
      FROM (
        SELECT recorded_at FROM event_store.events
         WHERE (transaction_id, global_position) > (${after.transactionId}::xid8, ${after.globalPosition}::bigint)
         LIMIT ${OUTBOX_BACKLOG_COUNT_LIMIT}
      ) AS pending`.execute(db);
  const row = rows[0]!;
  return { events: Number(row.events), oldestAgeSeconds: Math.max(0, Number(row.oldest_age_seconds ?? 0)) };
}
