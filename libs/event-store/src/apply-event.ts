import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventStoreTables } from './database.js';
import type { RecordedEvent } from './types.js';

/** A consumer's reaction to one event, run inside the transaction that stores its position. */
export type EventHandler<DB = EventStoreTables> = (event: RecordedEvent, trx: Transaction<DB>) => Promise<void>;

export type ApplyOutcome = 'applied' | 'already_applied' | 'out_of_order';

/**
 * Applies an event at most once per consumer: the handler's writes and the consumer's position
 * in the event's stream commit together (docs/architecture.md, conventions). The position row is locked first,
 * so two replicas handed the same event (a redelivery) apply it once. An event whose
 * predecessor in the stream has not been applied yet is refused as `out_of_order`; the caller
 * retries it later.
 */
export async function applyEvent<DB>(
  db: Kysely<DB>,
  consumer: string,
  event: RecordedEvent,
  handler: EventHandler<DB>,
): Promise<ApplyOutcome> {
  return db.transaction().execute(async (trx) => {
    // DO UPDATE (not DO NOTHING) so the row is locked and its current value returned either way.
    const { rows } = await sql<{ stream_version: string }>`
      INSERT INTO event_store.consumer_positions AS p (consumer, stream_id, stream_version)
      VALUES (${consumer}, ${event.streamId}, 0)
      ON CONFLICT (consumer, stream_id) DO UPDATE SET stream_version = p.stream_version
      RETURNING p.stream_version`.execute(trx);
    const applied = Number(rows[0]!.stream_version);
    if (event.streamVersion <= applied) return 'already_applied';
    if (event.streamVersion > applied + 1) return 'out_of_order';
    await handler(event, trx);
    await sql`
      UPDATE event_store.consumer_positions SET stream_version = ${event.streamVersion}
       WHERE consumer = ${consumer} AND stream_id = ${event.streamId}`.execute(trx);
    return 'applied';
  });
}
