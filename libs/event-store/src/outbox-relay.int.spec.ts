import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createTestNats, waitFor, type TestNats } from '@livedesk/testing';
import { EventEnvelope } from '@livedesk/contracts';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import { createEventStoreFixture, newEvent, type EventStoreFixture } from './test-support.js';

let f: EventStoreFixture;
let nats: TestNats;
beforeAll(async () => {
  f = await createEventStoreFixture();
  nats = await createTestNats();
});
afterAll(async () => {
  await nats.cleanup();
  await f.close();
});

const org = { organizationId: 'org' };

function relayOptions(streamName: string, extra: Partial<OutboxRelayOptions> = {}): OutboxRelayOptions {
  return {
    db: f.db,
    databaseUrl: f.database.url,
    nats: nats.connection,
    streamName,
    subjectPrefix: `${nats.subjectPrefix}.${streamName.toLowerCase()}`,
    // A notification must wake the relay: the fallback poll is far beyond the test's deadlines.
    fallbackPollMs: 60_000,
    leadershipRetryMs: 100,
    ...extra,
  };
}

async function storedCount(streamName: string): Promise<number> {
  const jsm = await jetstreamManager(nats.connection);
  return (await jsm.streams.info(streamName)).state.messages;
}

async function storedEnvelopes(streamName: string, count: number): Promise<EventEnvelope[]> {
  const consumer = await jetstream(nats.connection).consumers.get(streamName);
  const envelopes: EventEnvelope[] = [];
  const messages = await consumer.fetch({ max_messages: count, expires: 5000 });
  for await (const msg of messages) {
    envelopes.push(EventEnvelope.parse(msg.json()));
    expect(msg.headers?.get('Nats-Msg-Id')).toBe(envelopes.at(-1)!.event_id);
  }
  return envelopes;
}

// Each test uses its own JetStream stream and subject prefix, and starts from a store whose
// relay checkpoint is past the earlier tests' events.
let streamCounter = 0;
const nextStream = () => `${nats.streamPrefix}_RELAY_${++streamCounter}`;

describe('OutboxRelay', () => {
  it('publishes every committed event promptly, in stream order, with the event id as message id', async () => {
    const streamName = nextStream();
    const relay = new OutboxRelay(relayOptions(streamName));
    await relay.start();
    await waitFor(() => relay.isLeader, { what: 'leadership' });
    const appended: string[] = [];
    for (let i = 0; i < 60; i++) {
      const events = [newEvent(), newEvent()];
      await f.store.appendToStream(`conversation-r1-${i % 5}`, events, 'any', org);
      appended.push(...events.map((e) => e.eventId));
    }
    await waitFor(async () => (await storedCount(streamName)) === 120, { timeoutMs: 5000, what: '120 messages' });
    const envelopes = await storedEnvelopes(streamName, 120);
    expect(envelopes.map((e) => e.event_id).sort()).toEqual([...appended].sort());
    const versions = new Map<string, number>();
    for (const envelope of envelopes) {
      expect(envelope.stream_version).toBe((versions.get(envelope.stream_id) ?? 0) + 1);
      versions.set(envelope.stream_id, envelope.stream_version);
    }
    await relay.stop();
  });

  it('re-publishes after a crash between publish and checkpoint, and JetStream keeps each event once', async () => {
    const streamName = nextStream();
    // Start this stream's relay at the current end of the log.
    const warmup = new OutboxRelay(relayOptions(streamName));
    await warmup.start();
    await waitFor(() => warmup.isLeader);
    const before = await storedCount(streamName);
    await warmup.stop();

    let crashed = false;
    const crashing: OutboxRelay = new OutboxRelay(
      relayOptions(streamName, {
        afterPublish: async () => {
          crashed = true;
          void crashing.kill(); // as a crashed process: the session ends, the checkpoint stays

          throw new Error('crash after publish, before checkpoint');
        },
      }),
    );
    await crashing.start();
    await waitFor(() => crashing.isLeader);
    const events = Array.from({ length: 30 }, () => newEvent());
    for (const [i, event] of events.entries()) {
      await f.store.appendToStream(`conversation-r2-${i % 3}`, [event], 'any', org);
    }
    await waitFor(() => crashed, { what: 'the crash' });
    const published = await storedCount(streamName);
    expect(published).toBeGreaterThan(before); // published, but the checkpoint did not move

    let duplicatesDropped = 0;
    const restarted = new OutboxRelay(relayOptions(streamName));
    await restarted.start();
    await waitFor(async () => (await storedCount(streamName)) === before + 30, {
      timeoutMs: 5000,
      what: 'all 30 events',
    });
    // Give a re-publishing relay time to add anything it would wrongly add.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storedCount(streamName)).toBe(before + 30);
    const envelopes = await storedEnvelopes(streamName, before + 30);
    const ids = envelopes.slice(before).map((e) => e.event_id);
    expect(new Set(ids).size).toBe(30);
    expect(ids.sort()).toEqual(events.map((e) => e.eventId).sort());
    duplicatesDropped = published - before; // the crashed batch was sent twice, stored once
    expect(duplicatesDropped).toBeGreaterThan(0);
    await restarted.stop();
  });

  it('runs one leader among several relays and fails over when the leader stops', async () => {
    const streamName = nextStream();
    const a = new OutboxRelay(relayOptions(streamName));
    const b = new OutboxRelay(relayOptions(streamName));
    await Promise.all([a.start(), b.start()]);
    await waitFor(() => a.isLeader || b.isLeader, { what: 'a leader' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    const [leader, standby] = a.isLeader ? [a, b] : [b, a];
    const base = await storedCount(streamName);
    await f.store.appendToStream('conversation-r3', [newEvent()], 'any', org);
    await waitFor(async () => (await storedCount(streamName)) === base + 1, { what: 'publish by the leader' });
    await leader.stop();
    await waitFor(() => standby.isLeader, { timeoutMs: 5000, what: 'failover' });
    await f.store.appendToStream('conversation-r3', [newEvent()], 'any', org);
    await waitFor(async () => (await storedCount(streamName)) === base + 2, { what: 'publish by the new leader' });
    await standby.stop();
  });
});
