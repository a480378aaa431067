import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { createTestNats, waitFor, type TestNats } from '@livedesk/testing';
import { sql } from 'kysely';
import type { RecordedEvent } from './types.js';
import { BatchSubscription } from './batch-subscription.js';
import { OutboxRelay } from './outbox-relay.js';
import { createEventStoreFixture, newEvent, type EventStoreFixture } from './test-support.js';

let f: EventStoreFixture;
let nats: TestNats;
let relay: OutboxRelay;
let streamName: string;
beforeAll(async () => {
  f = await createEventStoreFixture();
  nats = await createTestNats();
  streamName = `${nats.streamPrefix}_EVENTS`;
  relay = new OutboxRelay({
    db: f.db,
    databaseUrl: f.database.url,
    nats: nats.connection,
    streamName,
    subjectPrefix: nats.subjectPrefix,
  });
  await relay.start();
  await sql`CREATE TABLE projected (event_id uuid PRIMARY KEY, stream_id text, stream_version int)`.execute(f.db);
});
afterAll(async () => {
  await relay.stop();
  await nats.cleanup();
  await f.close();
});

describe('BatchSubscription', () => {
  it('catches up on a backlog in batches as large as it allows, each event applied once', async () => {
    // 3,000 events waiting: 30 streams of 100.
    for (let s = 0; s < 30; s++) {
      await f.store.appendToStream(
        `conversation-backlog${s}`,
        Array.from({ length: 100 }, () => newEvent()),
        'any',
        { organizationId: 'org' },
      );
    }
    // All of them in JetStream before the consumer starts.
    const jsm = await jetstreamManager(nats.connection);
    await waitFor(async () => (await jsm.streams.info(streamName)).state.messages === 3000, { timeoutMs: 20_000 });
    const batches: number[] = [];
    const subscription = new BatchSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'backlog',
      maxBatch: 1000,
      handler: async (events, trx) => {
        batches.push(events.length);
        // A slow write: the next batch fills meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`INSERT INTO projected SELECT * FROM unnest(${events.map((e) => e.eventId)}::uuid[], ${events.map((e) => e.streamId)}::text[], ${events.map((e) => e.streamVersion)}::int[])`.execute(
          trx,
        );
      },
    });
    await subscription.start();
    try {
      await waitFor(
        async () => (await sql<{ n: string }>`SELECT count(*) AS n FROM projected`.execute(f.db)).rows[0]!.n === '3000',
        { timeoutMs: 20_000 },
      );
      // Room for the batch being written and the next one: with the server's default of 1000
      // messages unacked, a batch behind one of 1000 would be the few that arrived after its ack.
      expect(Math.max(...batches)).toBe(1000);
      expect(batches.filter((size) => size === 1000).length).toBeGreaterThanOrEqual(2);
      const consumer = await jsm.consumers.info(streamName, 'backlog');
      expect(consumer.config.max_ack_pending).toBe(4000);
    } finally {
      await subscription.stop();
    }
  });

  describe('lingering (lingerMs)', () => {
    /** A subscription to one category's events that records its batches as the handler gets them. */
    function lingering(category: string, options: { lingerMs: number; maxBatch?: number }) {
      const batches: { at: number; events: RecordedEvent[] }[] = [];
      const subscription = new BatchSubscription({
        db: f.db,
        nats: nats.connection,
        streamName,
        consumer: `${category}-consumer`,
        filterSubject: eventSubjectWildcard(nats.subjectPrefix, category),
        ...options,
        handler: async (events) => {
          batches.push({ at: Date.now(), events: [...events] });
        },
      });
      return { batches, subscription };
    }
    const appendTo = (streamId: string) =>
      f.store.appendToStream(streamId, [newEvent()], 'any', { organizationId: 'org' });
    const applied = (batches: { events: RecordedEvent[] }[]) => batches.flatMap((batch) => batch.events).length;

    it('waits for more events before writing: five events a few milliseconds apart make one batch', async () => {
      const { batches, subscription } = lingering('linger', { lingerMs: 2000 });
      await subscription.start();
      try {
        const firstAppend = Date.now();
        for (let i = 1; i <= 5; i++) {
          await appendTo(`linger-s${i}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await waitFor(() => applied(batches) === 5, { timeoutMs: 15_000, what: 'the five events applied' });
        expect(batches).toHaveLength(1);
        // The batch waited for the linger from the first event's arrival, which came after its append.
        expect(batches[0]!.at - firstAppend).toBeGreaterThanOrEqual(1990);
      } finally {
        await subscription.stop();
      }
    });

    it('writes a full batch at once, without waiting out the linger', async () => {
      const { batches, subscription } = lingering('full', { lingerMs: 600_000, maxBatch: 3 });
      await subscription.start();
      try {
        for (let i = 1; i <= 3; i++) await appendTo(`full-s${i}`);
        await waitFor(() => applied(batches) === 3, { timeoutMs: 15_000, what: 'the full batch applied' });
        expect(batches.map((batch) => batch.events.length)).toEqual([3]);
      } finally {
        await subscription.stop();
      }
    });

    it('stops without waiting out the linger; the event it held is applied once by the next consumer', async () => {
      const first = lingering('stopping', { lingerMs: 600_000 });
      await first.subscription.start();
      await appendTo('stopping-s1');
      const jsm = await jetstreamManager(nats.connection);
      // Delivered to the first consumer (and held in its linger), not applied.
      await waitFor(async () => (await jsm.consumers.info(streamName, 'stopping-consumer')).num_ack_pending === 1, {
        timeoutMs: 15_000,
        what: 'the event delivered',
      });
      await first.subscription.stop();
      expect(first.batches).toEqual([]);
      const next = lingering('stopping', { lingerMs: 0 });
      await next.subscription.start();
      try {
        await waitFor(() => applied(next.batches) === 1, { timeoutMs: 15_000, what: 'the event applied' });
        expect(next.batches[0]!.events[0]!.streamId).toBe('stopping-s1');
      } finally {
        await next.subscription.stop();
      }
    });
  });
});
