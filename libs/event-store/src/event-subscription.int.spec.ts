import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestNats, waitFor, type TestNats } from '@livedesk/testing';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventHandler } from './apply-event.js';
import { EventSubscription } from './event-subscription.js';
import { OutboxRelay } from './outbox-relay.js';
import { createEventStoreFixture, newEvent, type EventStoreFixture } from './test-support.js';

let f: EventStoreFixture;
let nats: TestNats;
let relay: OutboxRelay;
let streamName: string;
let subjectPrefix: string;
beforeAll(async () => {
  f = await createEventStoreFixture();
  nats = await createTestNats();
  streamName = `${nats.streamPrefix}_EVENTS`;
  subjectPrefix = nats.subjectPrefix;
  relay = new OutboxRelay({ db: f.db, databaseUrl: f.database.url, nats: nats.connection, streamName, subjectPrefix });
  await relay.start();
  await sql`CREATE TABLE projection (consumer text, event_id uuid, stream_id text, stream_version int, PRIMARY KEY (consumer, event_id))`.execute(
    f.db,
  );
});
afterAll(async () => {
  await relay.stop();
  await nats.cleanup();
  await f.close();
});

const org = { organizationId: 'org' };

/** A projection that fails loudly (primary key) if an event is ever applied twice. */
function projector(consumer: string): EventHandler<any> {
  return async (event, trx) => {
    await sql`INSERT INTO projection VALUES (${consumer}, ${event.eventId}, ${event.streamId}, ${event.streamVersion})`.execute(
      trx,
    );
  };
}

async function projected(db: Kysely<any>, consumer: string) {
  const { rows } = await sql<{ event_id: string; stream_id: string; stream_version: number }>`
    SELECT event_id, stream_id, stream_version FROM projection WHERE consumer = ${consumer} ORDER BY stream_id, stream_version`.execute(
    db,
  );
  return rows;
}

async function appendMany(prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = newEvent();
    await f.store.appendToStream(`${prefix}-${i % 4}`, [event], 'any', org);
    ids.push(event.eventId);
  }
  return ids;
}

describe('EventSubscription', () => {
  it('applies a redelivered event once: the handler committed, the ack was lost', async () => {
    const ids = await appendMany('conversation-s1', 20);
    let failedAcks = 0;
    let redeliveries = 0;
    const subscription = new EventSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'redelivery',
      filterSubject: `${subjectPrefix}.events.conversation.>`,
      handler: projector('redelivery'),
      ackWaitMs: 500,
      beforeAck: async (msg, outcome) => {
        if (msg.info.deliveryCount > 1) {
          redeliveries++;
          expect(outcome).toBe('already_applied');
        } else if (failedAcks < 5) {
          failedAcks++;
          throw new Error('connection lost before the ack');
        }
      },
    });
    await subscription.start();
    await waitFor(async () => (await projected(f.db, 'redelivery')).length === 20 && redeliveries >= 5, {
      timeoutMs: 15_000,
      what: '20 events and 5 redeliveries',
    });
    await subscription.stop();
    const rows = await projected(f.db, 'redelivery');
    expect(rows.map((r) => r.event_id).sort()).toEqual([...ids].sort());
  });

  it('shares a durable consumer between two replicas, each event applied once and each stream in order', async () => {
    const ids = await appendMany('conversation-s2', 200);
    const order: Array<[string, number]> = [];
    const handler: EventHandler<any> = async (event, trx: Transaction<any>) => {
      await projector('replicas')(event, trx);
      order.push([event.streamId, event.streamVersion]);
    };
    const options = { db: f.db, nats: nats.connection, streamName, consumer: 'replicas', handler };
    const replicas = [new EventSubscription(options), new EventSubscription(options)];
    await Promise.all(replicas.map((r) => r.start()));
    await waitFor(
      async () =>
        (await projected(f.db, 'replicas')).filter((r) => r.stream_id.startsWith('conversation-s2')).length === 200,
      // Well under a second alone. An event that reaches one replica before its predecessor is
      // applied by the other is nak'd with a delay that doubles up to 5 s, so on a loaded machine
      // the last events can take several such delays: this bounds a hang, it measures nothing.
      { timeoutMs: 60_000, what: '200 events' },
    );
    await Promise.all(replicas.map((r) => r.stop()));
    const rows = (await projected(f.db, 'replicas')).filter((r) => r.stream_id.startsWith('conversation-s2'));
    expect(rows.map((r) => r.event_id).sort()).toEqual([...ids].sort());
    const last = new Map<string, number>();
    for (const [stream, version] of order) {
      expect(version).toBe((last.get(stream) ?? 0) + 1);
      last.set(stream, version);
    }
  }, 90_000);
});
