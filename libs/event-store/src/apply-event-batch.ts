import { sql, type Kysely, type Transaction } from 'kysely';
import type { ApplyOutcome } from './apply-event.js';
import { storeConsumerPositions } from './consumer-positions.js';
import type { RecordedEvent } from './types.js';

/**
 * A consumer's reaction to a batch of events, run inside the transaction that stores its
 * positions. It gets only the events to apply, each stream's in order.
 */
export type BatchEventHandler<DB> = (events: readonly RecordedEvent[], trx: Transaction<DB>) => Promise<void>;

/**
 * Applies a batch of events at most once per consumer, like `applyEvent` for one: the
 * handler's writes and the consumer's positions in the batch's streams commit together
 * (docs/architecture.md, conventions). Per event the answer is `applied`, `already_applied` (at or below the
 * stream's stored position: a redelivery) or `out_of_order` (its predecessor in the stream is
 * neither stored nor earlier in the batch; every later event of that stream in the batch is
 * refused too, so a stream never skips a version). Position rows are locked in stream id order,
 * so two transactions over overlapping streams cannot deadlock.
 */
export async function applyEventBatch<DB>(
  db: Kysely<DB>,
  consumer: string,
  events: readonly RecordedEvent[],
  handler: BatchEventHandler<DB>,
): Promise<ApplyOutcome[]> {
  if (events.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const streams = [...new Set(events.map((event) => event.streamId))].sort();
    // DO UPDATE (not DO NOTHING) so that every row is locked and its current value returned.
    const { rows } = await sql<{ stream_id: string; stream_version: string }>`
      INSERT INTO event_store.consumer_positions AS p (consumer, stream_id, stream_version)
      SELECT ${consumer}, s.stream_id, 0 FROM unnest(${streams}::text[]) AS s(stream_id)
      ON CONFLICT (consumer, stream_id) DO UPDATE SET stream_version = p.stream_version
      RETURNING p.stream_id, p.stream_version`.execute(trx);
    const position = new Map(rows.map((row) => [row.stream_id, Number(row.stream_version)]));
    const blocked = new Set<string>();
    const toApply: RecordedEvent[] = [];
    const outcomes = events.map((event): ApplyOutcome => {
      const at = position.get(event.streamId) ?? 0;
      if (event.streamVersion <= at) return 'already_applied';
      if (blocked.has(event.streamId) || event.streamVersion > at + 1) {
        blocked.add(event.streamId);
        return 'out_of_order';
      }
      position.set(event.streamId, event.streamVersion);
      toApply.push(event);
      return 'applied';
    });
    if (toApply.length === 0) return outcomes;
    await handler(toApply, trx);
    // The rows are ours (locked above), so an upsert sets them: one probe of the primary key
    // per stream. (An UPDATE … FROM unnest(…) was planned, on a table not yet analyzed, as a hash
    // of every position the consumer holds, read again for each batch.)
    await storeConsumerPositions(
      trx,
      consumer,
      new Map(toApply.map((event) => [event.streamId, position.get(event.streamId)!])),
    );
    return outcomes;
  });
}
