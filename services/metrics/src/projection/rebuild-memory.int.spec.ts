import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { applyEventBatch, type EventStore, type NewEvent } from '@livedesk/event-store';
import { flushDerived } from './derived-tables.js';
import { METRICS_CONSUMER, MetricsProjector } from './metrics-projector.js';
import type { MetricsDatabase } from './metrics-tables.js';
import { rebuildMetrics } from './rebuild-metrics.js';
import { metricsSnapshot } from './testing/metrics-snapshot.js';
import { metricsTestDatabase, type MetricsTestDatabase } from './testing/metrics-test-database.js';
import { wholeLog } from './testing/whole-log.js';
import { event } from './testing/new-events.js';

const ORG = 'org-memory';
const CHATS = 12;

let fixture: MetricsTestDatabase | undefined;
let db: Kysely<MetricsDatabase>;
let store: EventStore;

beforeAll(async () => {
  fixture = await metricsTestDatabase(4);
  db = fixture.db;
  store = fixture.store;
});
afterAll(async () => {
  await fixture?.close();
});

const append = (stream: string, events: NewEvent[]) =>
  store.appendToStream(stream, events, 'any', { organizationId: ORG });

/**
 * Twelve chats going on at once, each phase of all of them before the next phase of any: every
 * chat's events are spread over the whole log, as on a busy day, so a memory that keeps only a
 * few conversations forgets each chat between its phases.
 */
async function busyDay(): Promise<void> {
  await append(`organization-${ORG}`, [
    event(-100, {
      type: 'OrganizationCreated',
      data: { organization_id: ORG, name: ORG, time_zone: 'Europe/Warsaw' },
    }),
  ]);
  const chats = Array.from({ length: CHATS }, (_, n) => ({
    stream: `conversation-${ORG}-chat-${n}`,
    agent: `${ORG}-agent-${n % 3}`,
    customer: { kind: 'customer', id: `${ORG}-cust-${n}` } as const,
  }));
  const message = (s: number, author: { kind: 'customer' | 'agent'; id: string }) =>
    event(s, { type: 'MessagePosted', data: { message_id: `m-${s}`, author, text: 'hi', attachments: [] } });
  for (const [n, chat] of chats.entries()) {
    await append(chat.stream, [
      event(n, {
        type: 'ConversationStarted',
        data: { conversation_id: `${ORG}-chat-${n}`, channel: 'chat', group_id: 'g1', customer_id: chat.customer.id },
      }),
      message(n + 1, chat.customer),
      event(n + 2, { type: 'ConversationQueued', data: { group_id: 'g1' } }),
    ]);
  }
  for (const [n, chat] of chats.entries()) {
    await append(chat.stream, [
      event(100 + n, { type: 'AgentAssigned', data: { agent_id: chat.agent, agent_kind: 'human', by: 'routing' } }),
      message(130 + n, { kind: 'agent', id: chat.agent }),
    ]);
  }
  for (const [n, chat] of chats.entries()) {
    await append(chat.stream, [
      message(200 + n, chat.customer),
      message(240 + 2 * n, { kind: 'agent', id: chat.agent }),
      event(400 + n, { type: 'ConversationResolved', data: { by: { kind: 'agent', id: chat.agent } } }),
    ]);
  }
  for (const [n, chat] of chats.entries()) {
    await append(chat.stream, [event(500 + n, { type: 'ConversationRated', data: { score: 1 + (n % 5) } })]);
  }
}

describe('rebuildMetrics with a memory smaller than the log', () => {
  let live: Record<string, unknown[]>;

  beforeAll(async () => {
    await busyDay();
    const projector = new MetricsProjector();
    const log = await wholeLog(db);
    for (let i = 0; i < log.length; i += 6) {
      await applyEventBatch(db, METRICS_CONSUMER, log.slice(i, i + 6), (events, trx) => projector.apply(events, trx));
    }
    await db.transaction().execute((trx) => flushDerived(trx));
    live = await metricsSnapshot(db);
    expect(live['metrics.conversation_cycles']).toHaveLength(CHATS);
    expect(live['metrics.ratings']).toHaveLength(CHATS);
  });

  it('reads back the conversations it forgot and copies in only those it never met, writing the rows live consumption wrote', async () => {
    // Three conversations kept at a time (as many as a read's events can need): each chat is
    // forgotten between its phases. A forgotten chat not read back would lose its later events;
    // one copied in as new again would break the states' primary key.
    for (const [batchSize, flushEvery] of [
      [3, 3],
      [3, 12],
      [2, 30],
    ] as const) {
      await rebuildMetrics(db, new MetricsProjector({ capacity: 3 }), { batchSize, flushEvery, writers: 2 });
      expect(await metricsSnapshot(db)).toEqual(live);
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM metrics.projection_conversations`.execute(db);
      expect(Number(rows[0]!.n)).toBe(CHATS);
    }
  });
});
