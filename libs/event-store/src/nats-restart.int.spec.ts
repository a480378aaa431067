import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { openNatsConnection } from '@livedesk/messaging';
import { OwnNatsServer, uniqueTestId, waitFor } from '@livedesk/testing';
import { BatchSubscription } from './batch-subscription.js';
import { EventSubscription } from './event-subscription.js';
import { OutboxRelay } from './outbox-relay.js';
import { createEventStoreFixture, newEvent, type EventStoreFixture } from './test-support.js';

const OUTAGE_MS = 6000;
/** docs/nats-outages.md: after NATS returns, everything stored meanwhile is delivered within this. */
const CATCH_UP_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Issue 11, item 10 at the library level: the relay and both kinds of durable subscription on a
// NATS server of the test's own, SIGKILLed and restarted on the same port and store directory.
describe('NATS killed and restarted under the relay and the subscriptions', () => {
  let nats: OwnNatsServer;
  const subjectPrefix = uniqueTestId();
  const streamName = `${subjectPrefix.toUpperCase()}_EVENTS`;
  let connection: NatsConnection;
  let f: EventStoreFixture;
  let relay: OutboxRelay;
  let single: EventSubscription<unknown>;
  let batched: BatchSubscription<any>;
  const appliedAt = { single: new Map<string, number>(), batched: new Map<string, number>() };

  beforeAll(async () => {
    nats = await OwnNatsServer.start();
    connection = await openNatsConnection({ url: nats.url, name: 'nats-restart-test', subjectPrefix });
    f = await createEventStoreFixture();
    const filterSubject = `${subjectPrefix}.events.conversation.>`;
    relay = new OutboxRelay({ db: f.db, databaseUrl: f.database.url, nats: connection, streamName, subjectPrefix });
    f.store.attachRelay(relay);
    await relay.start();
    single = new EventSubscription({
      nats: connection,
      streamName,
      consumer: 'single',
      filterSubject,
      apply: async (event) => {
        if (!appliedAt.single.has(event.eventId)) appliedAt.single.set(event.eventId, Date.now());
        return 'applied';
      },
    });
    batched = new BatchSubscription({
      db: f.db,
      nats: connection,
      streamName,
      consumer: 'batched',
      filterSubject,
      handler: async (events) => {
        for (const event of events)
          if (!appliedAt.batched.has(event.eventId)) appliedAt.batched.set(event.eventId, Date.now());
      },
    });
    await Promise.all([single.start(), batched.start()]);
  });

  afterAll(async () => {
    try {
      await nats?.restart();
      await single?.stop();
      await batched?.stop();
      await relay?.stop();
      await connection?.drain().catch(() => undefined);
    } finally {
      await nats?.destroy();
      await f?.close();
    }
  });

  async function append(streamId: string): Promise<{ eventId: string; storedAt: number }> {
    const event = newEvent();
    await f.store.appendToStream(streamId, [event], 'any', { organizationId: 'org' });
    return { eventId: event.eventId, storedAt: Date.now() };
  }

  it('publishes and delivers what was stored before and during the outage within 2 s of NATS coming back', async () => {
    const report: string[] = [];
    const delays: number[] = [];
    for (let trial = 1; trial <= 3; trial++) {
      // Events relayed at the moment NATS dies, and events stored while it is away.
      const stored: { eventId: string; storedAt: number }[] = [];
      for (let i = 0; i < 5; i++) stored.push(await append(`conversation-t${trial}`));
      await nats.kill();
      for (let i = 0; i < 3; i++) stored.push(await append(`conversation-t${trial}`));
      await sleep(OUTAGE_MS);
      await nats.restart();
      const backAt = Date.now();
      await waitFor(
        () => stored.every(({ eventId }) => appliedAt.single.has(eventId) && appliedAt.batched.has(eventId)),
        {
          timeoutMs: 60_000,
          what: 'every event to be applied by both subscriptions',
        },
      );
      const lateness = (applied: Map<string, number>) =>
        Math.max(...stored.map(({ eventId, storedAt }) => applied.get(eventId)! - Math.max(storedAt, backAt)));
      const trialDelays = { single: lateness(appliedAt.single), batched: lateness(appliedAt.batched) };
      report.push(
        `trial ${trial}: last event applied ${trialDelays.single} ms (EventSubscription), ${trialDelays.batched} ms (BatchSubscription) after NATS came back`,
      );
      delays.push(trialDelays.single, trialDelays.batched);
      // Live again: a new event goes through at once.
      const after = await append(`conversation-t${trial}`);
      await waitFor(() => appliedAt.single.has(after.eventId) && appliedAt.batched.has(after.eventId), {
        timeoutMs: 60_000,
        what: 'a live event',
      });
      const liveDelay =
        Math.max(appliedAt.single.get(after.eventId)!, appliedAt.batched.get(after.eventId)!) - after.storedAt;
      report.push(`trial ${trial}: an event stored after the outage applied ${liveDelay} ms after its store`);
      delays.push(liveDelay);
    }
    process.stdout.write(`${report.join('\n')}\n`);
    expect(Math.max(...delays)).toBeLessThanOrEqual(CATCH_UP_MS);
    // Nothing stored twice in JetStream: the relay's re-publishes were dropped as duplicates.
    const info = await (await jetstreamManager(connection)).streams.info(streamName);
    expect(info.state.messages).toBe(3 * (5 + 3 + 1));
  }, 240_000);
});
