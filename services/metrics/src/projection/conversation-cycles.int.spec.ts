import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { allEvents, type ConversationEvent } from '@livedesk/contracts';
import { applyEvent, createDatabase, EventStore, EventSubscription, migrateEventStore, OutboxRelay, type NewEvent } from '@livedesk/event-store';
import { createTestDatabase, createTestNats, waitFor, type TestDatabase } from '@livedesk/testing';
import type { ConversationCyclesTable, MetricsDatabase } from './conversation-cycles-table.js';
import { migrateMetrics } from './migrate-metrics.js';
import { CONVERSATION_CYCLES_CONSUMER, projectConversation, rebuildConversationCycles } from './project-conversation.js';

const ORG = 'org-1';
const t0 = Date.parse('2026-03-02T10:00:00Z');
const at = (seconds: number): Date => new Date(t0 + seconds * 1000);

let database: TestDatabase;
let db: Kysely<MetricsDatabase>;
let store: EventStore;

beforeAll(async () => {
  database = await createTestDatabase();
  const eventStoreDb = createDatabase(database.url, { max: 4 });
  await migrateEventStore(eventStoreDb);
  await migrateMetrics(eventStoreDb);
  db = eventStoreDb as unknown as Kysely<MetricsDatabase>;
  store = new EventStore(eventStoreDb);
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

/** An event as the conversation service writes it (validated, current schema version), at `seconds` after t0. */
function event(seconds: number, e: ConversationEvent): NewEvent {
  const encoded = allEvents.encode(e.type, e.data);
  return { eventId: randomUUID(), type: encoded.type, schemaVersion: encoded.schemaVersion, data: encoded.data, occurredAt: at(seconds) };
}

const customer = { kind: 'customer', id: 'cust' } as const;
const started = (s: number, id: string) =>
  event(s, { type: 'ConversationStarted', data: { conversation_id: id, channel: 'chat', group_id: 'g1', customer_id: 'cust' } });
const message = (s: number, author: { kind: 'customer' | 'agent' | 'system'; id?: string }) =>
  event(s, { type: 'MessagePosted', data: { message_id: `m${s}`, author, text: 'hello', attachments: [] } });
const queued = (s: number) => event(s, { type: 'ConversationQueued', data: { group_id: 'g1' } });
const assigned = (s: number, agentId: string) =>
  event(s, { type: 'AgentAssigned', data: { agent_id: agentId, agent_kind: 'human', by: 'routing' } });
const resolved = (s: number, agentId: string) => event(s, { type: 'ConversationResolved', data: { by: { kind: 'agent', id: agentId } } });
const reopened = (s: number) => event(s, { type: 'ConversationReopened', data: { by: customer } });
const rated = (s: number, score: number) => event(s, { type: 'ConversationRated', data: { score } });

/** Appends a command's events, then applies them as the live subscription would (once, in order). */
async function live(streamId: string, events: NewEvent[]): Promise<void> {
  const { nextExpectedVersion } = await store.appendToStream(streamId, events, 'any', { organizationId: ORG });
  const recorded = await store.readStream(streamId, { afterVersion: nextExpectedVersion - events.length });
  for (const e of recorded) {
    expect(await applyEvent(db, CONVERSATION_CYCLES_CONSUMER, e, projectConversation)).toBe('applied');
  }
}

const rowsOf = (): Promise<ConversationCyclesTable[]> =>
  db.selectFrom('metrics.conversation_cycles').selectAll().orderBy('conversation_id').orderBy('cycle').execute();

const positionsOf = () =>
  db
    .selectFrom('event_store.consumer_positions')
    .select(['stream_id', 'stream_version'])
    .where('consumer', '=', CONVERSATION_CYCLES_CONSUMER)
    .orderBy('stream_id')
    .execute();

describe('metrics.conversation_cycles projection', () => {
  let liveRows: ConversationCyclesTable[];

  it('projects live: an answered, resolved, reopened and resolved-again chat, and a chat missed in the queue', async () => {
    const a = 'conversation-chat-a';
    const b = 'conversation-chat-b';
    // Chat A, cycle 1: the customer writes at 2 s, waits in the queue 3 s → 33 s, alice answers at 50 s.
    await live(a, [started(0, 'chat-a'), message(2, customer), queued(3)]);
    // Chat B starts meanwhile and waits in the queue.
    await live(b, [started(1000, 'chat-b'), message(1001, customer), queued(1002)]);
    await live(a, [assigned(33, 'alice'), message(34, { kind: 'system' })]); // a system message is no reply
    await live(a, [message(50, { kind: 'agent', id: 'alice' })]);
    await live(a, [message(80, customer)]);
    await live(a, [message(90, { kind: 'agent', id: 'alice' })]);
    await live(a, [resolved(300, 'alice')]);

    const afterFirstCycle = await rowsOf();
    expect(afterFirstCycle.map((row) => [row.conversation_id, row.cycle, row.end_reason])).toEqual([
      ['chat-a', 1, 'resolved'],
      ['chat-b', 1, null],
    ]);

    await live(a, [rated(310, 5)]); // a rating after the end still belongs to the cycle
    // Chat B: the customer leaves while queued (the conversation service writes the miss, then the close).
    await live(b, [
      event(1120, { type: 'ConversationMissed', data: { reason: 'left_in_queue' } }),
      event(1120, { type: 'ConversationClosed', data: { by: customer } }),
    ]);
    // Chat A, cycle 2: reopened at 600 s, bob takes it from the queue at 626 s and answers at 646 s.
    await live(a, [reopened(600), message(605, customer), queued(606)]);
    await live(a, [assigned(626, 'bob')]);
    await live(a, [message(646, { kind: 'agent', id: 'bob' })]);
    await live(a, [resolved(900, 'bob')]);
    // Another category's stream is not this projection's concern.
    await store.appendToStream('agent-alice', [{ eventId: randomUUID(), type: 'AgentStatusChanged', data: {}, occurredAt: at(5) }], 'any', {
      organizationId: ORG,
    });
    const agentEvent = (await store.readStream('agent-alice'))[0]!;
    await applyEvent(db, CONVERSATION_CYCLES_CONSUMER, agentEvent, projectConversation);

    liveRows = await rowsOf();
    const common = { organization_id: ORG, channel: 'chat', group_id: 'g1', bot_handoff_at: null, transfers_manual: 0, transfers_auto: 0 };
    expect(liveRows).toEqual([
      {
        ...common,
        conversation_id: 'chat-a',
        cycle: 1,
        started_at: at(0),
        ended_at: at(300),
        end_reason: 'resolved',
        queued_at: at(3),
        first_human_assigned_at: at(33),
        clock_start_at: at(2),
        first_response_at: at(50),
        first_response_agent_id: 'alice',
        queue_seconds: 30,
        queue_business_seconds: 30,
        first_response_seconds: 48,
        first_response_business_seconds: 48,
        longest_wait_seconds: 48,
        longest_wait_business_seconds: 48,
        resolution_seconds: 300,
        resolution_business_seconds: 300,
        handle_seconds: 267,
        handle_business_seconds: 267,
        missed: false,
        missed_reason: null,
        csat_score: 5,
        assigned_agent_ids: ['alice'],
        stream_version: 16,
      },
      {
        ...common,
        conversation_id: 'chat-a',
        cycle: 2,
        started_at: at(600),
        ended_at: at(900),
        end_reason: 'resolved',
        queued_at: at(606),
        first_human_assigned_at: at(626),
        clock_start_at: at(605),
        first_response_at: at(646),
        first_response_agent_id: 'bob',
        queue_seconds: 20,
        queue_business_seconds: 20,
        first_response_seconds: 41,
        first_response_business_seconds: 41,
        longest_wait_seconds: 41,
        longest_wait_business_seconds: 41,
        resolution_seconds: 300,
        resolution_business_seconds: 300,
        handle_seconds: 274,
        handle_business_seconds: 274,
        missed: false,
        missed_reason: null,
        csat_score: null,
        assigned_agent_ids: ['bob'],
        stream_version: 16,
      },
      {
        ...common,
        conversation_id: 'chat-b',
        cycle: 1,
        started_at: at(1000),
        ended_at: at(1120),
        end_reason: 'missed',
        queued_at: at(1002),
        first_human_assigned_at: null,
        clock_start_at: at(1001),
        first_response_at: null,
        first_response_agent_id: null,
        queue_seconds: null,
        queue_business_seconds: null,
        first_response_seconds: null,
        first_response_business_seconds: null,
        longest_wait_seconds: null,
        longest_wait_business_seconds: null,
        resolution_seconds: null,
        resolution_business_seconds: null,
        handle_seconds: null,
        handle_business_seconds: null,
        missed: true,
        missed_reason: 'left_in_queue',
        csat_score: null,
        assigned_agent_ids: [],
        stream_version: 5,
      },
    ]);
  });

  it('comments every column of the table', async () => {
    const { rows } = await sql<{ column_name: string; comment: string | null }>`
      SELECT a.attname AS column_name, col_description(a.attrelid, a.attnum) AS comment
        FROM pg_attribute a
       WHERE a.attrelid = 'metrics.conversation_cycles'::regclass AND a.attnum > 0 AND NOT a.attisdropped`.execute(db);
    expect(rows.length).toBe(31);
    expect(rows.filter((row) => !row.comment).map((row) => row.column_name)).toEqual([]);
  });

  it('applies a redelivered event once', async () => {
    const [first] = await store.readStream('conversation-chat-a', { limit: 1 });
    expect(await applyEvent(db, CONVERSATION_CYCLES_CONSUMER, first!, projectConversation)).toBe('already_applied');
    expect(await rowsOf()).toEqual(liveRows);
  });

  it('rebuilds from zero to exactly the rows live consumption wrote', async () => {
    const livePositions = await positionsOf();
    // Rebuild the rows (and positions) from nothing: a wrong row left behind must not survive.
    await db.updateTable('metrics.conversation_cycles').set({ queue_seconds: -1 }).execute();
    const progress: number[] = [];
    const result = await rebuildConversationCycles(db, { batchSize: 4, onProgress: ({ events }) => progress.push(events) });
    expect(result).toEqual({ events: 22, applied: 21 });
    expect(progress.at(-1)).toBe(22);
    expect(await rowsOf()).toEqual(liveRows);
    expect(await positionsOf()).toEqual(livePositions.filter((p) => p.stream_id.startsWith('conversation-')));
  });

  it('gives the same rows when the events arrive through the JetStream subscription', async () => {
    const nats = await createTestNats();
    const streamName = `${nats.streamPrefix}_EVENTS`;
    const relay = new OutboxRelay({
      db: store.db,
      databaseUrl: database.url,
      nats: nats.connection,
      streamName,
      subjectPrefix: nats.subjectPrefix,
    });
    // A consumer of its own starts from the first event; the rows are written again from nothing.
    const consumer = `${CONVERSATION_CYCLES_CONSUMER}-nats`;
    const subscription = new EventSubscription<MetricsDatabase>({
      db,
      nats: nats.connection,
      streamName,
      consumer,
      filterSubject: `${nats.subjectPrefix}.events.conversation.>`,
      handler: projectConversation,
    });
    try {
      await relay.start();
      await db.deleteFrom('metrics.conversation_cycles').execute();
      await subscription.start();
      await waitFor(
        async () => {
          const positions = await db
            .selectFrom('event_store.consumer_positions')
            .select(['stream_id', 'stream_version'])
            .where('consumer', '=', consumer)
            .orderBy('stream_id')
            .execute();
          return JSON.stringify(positions) === JSON.stringify([
            { stream_id: 'conversation-chat-a', stream_version: '16' },
            { stream_id: 'conversation-chat-b', stream_version: '5' },
          ]);
        },
        { what: 'the subscription to apply every conversation event' },
      );
      expect(await rowsOf()).toEqual(liveRows);
    } finally {
      await subscription.stop();
      await relay.stop();
      await nats.cleanup();
    }
  });
});
