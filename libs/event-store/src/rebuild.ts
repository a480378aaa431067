import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventHandler } from './apply-event.js';
import { skippedEventIds } from './dead-letters.js';
import { readAll } from './read-all.js';
import { START, type RecordedEvent } from './types.js';

export interface RebuildOptions<DB> {
  db: Kysely<DB>;
  /** The consumer whose positions are reset and rebuilt. */
  consumer: string;
  handler: EventHandler<DB>;
  /** Drops the consumer's own rows; runs in the transaction that resets its positions. */
  reset?: (trx: Transaction<DB>) => Promise<void>;
  /** Only events this returns true for are handed to the handler (e.g. one stream category). */
  filter?: (event: RecordedEvent) => boolean;
  batchSize?: number;
  onProgress?: (progress: { events: number; applied: number }) => void;
}

/**
 * Rebuilds a consumer from the whole event store: resets it, then replays `readAll` from the
 * start through the same handler as live consumption, in commit-safe order, one transaction per
 * batch, storing the consumer's stream positions as it goes, so live consumption can resume
 * right after. Events the consumer parked (and no operator had replayed) are left out, as live
 * consumption left them (docs/dead-letters.md). Stop the live subscription first.
 */
export async function rebuild<DB>(options: RebuildOptions<DB>): Promise<{ events: number; applied: number }> {
  const { db, consumer, handler, filter } = options;
  await db.transaction().execute(async (trx) => {
    await sql`DELETE FROM event_store.consumer_positions WHERE consumer = ${consumer}`.execute(trx);
    await options.reset?.(trx);
  });
  const skipped = await skippedEventIds(db as Kysely<any>, consumer);
  let after = START;
  let events = 0;
  let applied = 0;
  for (;;) {
    const read = await readAll(db as Kysely<any>, { after, limit: options.batchSize ?? 5000 });
    if (read.events.length === 0) {
      if (!read.heldBack) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    const positions = new Map<string, number>();
    await db.transaction().execute(async (trx) => {
      for (const event of read.events) {
        if (filter && !filter(event)) continue;
        positions.set(event.streamId, event.streamVersion);
        if (skipped.has(event.eventId)) continue;
        await handler(event, trx);
        applied++;
      }
      if (positions.size > 0) {
        await sql`
          INSERT INTO event_store.consumer_positions AS p (consumer, stream_id, stream_version)
          SELECT ${consumer}, s.stream_id, s.stream_version
            FROM unnest(${[...positions.keys()]}::text[], ${[...positions.values()]}::bigint[]) AS s(stream_id, stream_version)
          ON CONFLICT (consumer, stream_id) DO UPDATE SET stream_version = excluded.stream_version`.execute(trx);
      }
    });
    events += read.events.length;
    after = read.checkpoint;
    options.onProgress?.({ events, applied });
  }
  return { events, applied };
}
