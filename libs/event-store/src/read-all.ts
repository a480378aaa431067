import { sql, type Kysely } from 'kysely';
import type { EventStoreTables } from './database.js';
import { toRecordedEvent, type EventRow } from './event-row.js';
import { START, type GlobalCheckpoint, type RecordedEvent } from './types.js';

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Where the next read starts: the last event's pair, or the `after` given when none was read. */
  checkpoint: GlobalCheckpoint;
  /**
   * True when committed events exist that this read held back because an older transaction was
   * still in flight: read again soon.
   */
  heldBack: boolean;
}

/**
 * Reads the global log after `after`, in commit-safe order.
 *
 * Why not by global position alone: positions come from a sequence before commit, so a
 * transaction holding position 5 can commit after one holding position 6; a reader that passed
 * 6 would never see 5 (the "in-flight transaction" gap that lost events in Emmett before it
 * moved to this technique). Instead each event carries the id of the transaction that wrote
 * it, and a read only returns events of transactions older than the snapshot's xmin (all of
 * them are finished), ordered by (transaction id, position). Any event that becomes visible
 * later belongs to a transaction id >= that xmin, so it sorts after everything already read.
 */
export async function readAll(
  db: Kysely<EventStoreTables>,
  options: { after?: GlobalCheckpoint; limit?: number } = {},
): Promise<ReadAllResult> {
  const after = options.after ?? START;
  const limit = options.limit ?? 1000;
  // One statement, so the held-back check sees the same snapshot as the batch. The LEFT JOIN
  // returns one row of NULLs when the batch is empty, which still carries held_back.
  const { rows } = await sql<Partial<EventRow> & { held_back: boolean }>`
    WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
    SELECT b.*, h.held_back
      FROM (SELECT EXISTS (SELECT 1 FROM event_store.events, horizon WHERE transaction_id >= horizon.xmin) AS held_back) h
      LEFT JOIN LATERAL (
        SELECT global_position, transaction_id, event_id, stream_id, stream_version, organization_id,
               type, schema_version, data, metadata, occurred_at
          FROM event_store.events, horizon
         WHERE (transaction_id, global_position) > (${after.transactionId}::xid8, ${after.globalPosition}::bigint)
           AND transaction_id < horizon.xmin
         ORDER BY transaction_id, global_position
         LIMIT ${limit}
      ) b ON true
     ORDER BY b.transaction_id, b.global_position`.execute(db);
  const heldBack = rows[0]?.held_back === true;
  const eventRows = rows[0]?.event_id == null ? [] : (rows as EventRow[]);
  const events = eventRows.map(toRecordedEvent);
  const last = events.at(-1);
  return {
    events,
    checkpoint: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
    heldBack,
  };
}
