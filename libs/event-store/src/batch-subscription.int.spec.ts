import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestNats, waitFor, type TestNats } from '@livedesk/testing';
import { sql } from 'kysely';
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
});
