import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { applyEventBatch } from './apply-event-batch.js';
import { readConsumerPositions, storeConsumerPositions } from './consumer-positions.js';
import { createDatabase, type EventStoreTables } from './database.js';
import { createEventStoreFixture, type EventStoreFixture } from './test-support.js';
import type { RecordedEvent } from './types.js';

let f: EventStoreFixture;
/** One connection, so that the statistics read below are those of the batch's own backend. */
let one: Kysely<EventStoreTables>;
beforeAll(async () => {
  f = await createEventStoreFixture(2);
  one = createDatabase(f.database.url, { max: 1 });
});
afterAll(async () => {
  await one.destroy();
  await f.close();
});

let position = 0;
function recorded(streamId: string, streamVersion: number): RecordedEvent {
  position += 1;
  return {
    globalPosition: position,
    transactionId: '1',
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId,
    streamVersion,
    organizationId: 'org',
    type: 'TagAdded',
    schemaVersion: 1,
    data: { tag: 'x' },
    metadata: {},
    occurredAt: new Date(),
  };
}

/** Index entries and heap tuples read from consumer_positions by this connection so far. */
async function positionReads(): Promise<number> {
  // Pending statistics reach the shared counters at the end of this transaction.
  await sql`SELECT pg_stat_force_next_flush()`.execute(one);
  const { rows } = await sql<{ read: string }>`
    SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) AS read
      FROM pg_stat_user_tables WHERE relid = 'event_store.consumer_positions'::regclass`.execute(one);
  return Number(rows[0]!.read);
}

describe('applyEventBatch', () => {
  // A consumer holds a position per stream it ever saw: millions in a long-lived deployment. A
  // batch must touch its own streams' rows only, also before Postgres has statistics on the
  // table (the UPDATE … FROM unnest(…) it ran before hashed every position of the consumer).
  it('reads and writes only the positions of its own streams, however many the consumer holds, and stores them', async () => {
    const held = new Map(Array.from({ length: 5000 }, (_, i) => [`conversation-held-${i}`, 1]));
    await storeConsumerPositions(f.db, 'search', held);
    const streams = [...held.keys()].filter((_, i) => i % 33 === 0); // 152 of them
    const events = streams.flatMap((streamId) => [recorded(streamId, 2), recorded(streamId, 3)]);

    const before = await positionReads();
    const outcomes = await applyEventBatch(one, 'search', events, async () => undefined);
    const read = (await positionReads()) - before;

    expect(new Set(outcomes)).toEqual(new Set(['applied']));
    // Locking the batch's rows probes each once, storing them once more.
    expect(read).toBeLessThanOrEqual(2 * streams.length);
    const stored = await readConsumerPositions(f.db, 'search', [...held.keys()]);
    expect([...stored.values()].filter((version) => version === 3)).toHaveLength(streams.length);
    expect([...stored.values()].filter((version) => version === 1)).toHaveLength(held.size - streams.length);
  });

  it('applies only the next event of each stream: a repeat is already applied, a gap is refused', async () => {
    const outcomes = await applyEventBatch(
      one,
      'search',
      [recorded('conversation-held-0', 3), recorded('conversation-held-1', 3), recorded('conversation-held-2', 2)],
      async (toApply) => {
        expect(toApply.map((event) => [event.streamId, event.streamVersion])).toEqual([['conversation-held-2', 2]]);
      },
    );
    expect(outcomes).toEqual(['already_applied', 'out_of_order', 'applied']);
    const stored = await readConsumerPositions(f.db, 'search', [
      'conversation-held-0',
      'conversation-held-1',
      'conversation-held-2',
    ]);
    expect(stored).toEqual(
      new Map([
        ['conversation-held-0', 3],
        ['conversation-held-1', 1],
        ['conversation-held-2', 2],
      ]),
    );
  });
});
