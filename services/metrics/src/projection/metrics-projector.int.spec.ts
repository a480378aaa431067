import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { applyEventBatch, type EventStore, type NewEvent } from '@livedesk/event-store';
import { DERIVED_SOURCE_TABLES, flushDerived } from './derived-tables.js';
import { METRICS_CONSUMER, MetricsProjector } from './metrics-projector.js';
import type { MetricsDatabase } from './metrics-tables.js';
import { rebuildMetrics } from './rebuild-metrics.js';
import { metricsSnapshot } from './testing/metrics-snapshot.js';
import { wholeLog } from './testing/whole-log.js';
import { metricsTestDatabase, type MetricsTestDatabase } from './testing/metrics-test-database.js';
import { at, event } from './testing/new-events.js';

const ORG = 'org-1';

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

const customer = { kind: 'customer', id: 'cust' } as const;
const started = (s: number, id: string) =>
  event(s, {
    type: 'ConversationStarted',
    data: { conversation_id: id, channel: 'chat', group_id: 'g1', customer_id: 'cust' },
  });
const message = (s: number, author: { kind: 'customer' | 'agent' | 'system'; id?: string }) =>
  event(s, { type: 'MessagePosted', data: { message_id: `m${s}`, author, text: 'hello', attachments: [] } });
const queued = (s: number) => event(s, { type: 'ConversationQueued', data: { group_id: 'g1' } });
const assigned = (s: number, agentId: string) =>
  event(s, { type: 'AgentAssigned', data: { agent_id: agentId, agent_kind: 'human', by: 'routing' } });
const resolved = (s: number, agentId: string) =>
  event(s, { type: 'ConversationResolved', data: { by: { kind: 'agent', id: agentId } } });
const status = (
  s: number,
  agent: string,
  from: 'accepting' | 'not_accepting' | 'offline',
  to: 'accepting' | 'not_accepting' | 'offline',
) => event(s, { type: 'AgentStatusChanged', data: { agent_id: agent, from, to, reason: 'agent' } });

async function append(streamId: string, events: NewEvent[]): Promise<void> {
  await store.appendToStream(streamId, events, 'any', { organizationId: ORG });
}

describe('MetricsProjector', () => {
  const projector = new MetricsProjector();
  let live: Record<string, unknown[]>;

  beforeAll(async () => {
    await append(`organization-${ORG}`, [
      event(-100, {
        type: 'OrganizationCreated',
        data: { organization_id: ORG, name: 'Acme', time_zone: 'Europe/Warsaw' },
      }),
    ]);
    await append('agent-alice', [status(-60, 'alice', 'offline', 'accepting')]);
    // Chat A, cycle 1: the customer writes at 2 s, waits in the queue 3 s → 33 s, alice answers at 50 s.
    await append('conversation-chat-a', [started(0, 'chat-a'), message(2, customer), queued(3)]);
    await append('conversation-chat-b', [started(1000, 'chat-b'), message(1001, customer), queued(1002)]);
    await append('conversation-chat-a', [assigned(33, 'alice'), message(34, { kind: 'system' })]);
    await append('conversation-chat-a', [
      message(50, { kind: 'agent', id: 'alice' }),
      message(80, customer),
      message(90, { kind: 'agent', id: 'alice' }),
    ]);
    await append('conversation-chat-a', [
      resolved(300, 'alice'),
      event(310, { type: 'ConversationRated', data: { score: 5 } }),
    ]);
    await append('agent-alice', [status(400, 'alice', 'accepting', 'not_accepting')]);
    // Chat A, cycle 2: reopened at 600 s, bob takes it at 626 s and answers at 646 s.
    await append('conversation-chat-a', [
      event(600, { type: 'ConversationReopened', data: { by: customer } }),
      message(605, customer),
      queued(606),
    ]);
    await append('conversation-chat-a', [
      assigned(626, 'bob'),
      message(646, { kind: 'agent', id: 'bob' }),
      resolved(900, 'bob'),
    ]);
    // Chat B: the customer leaves while queued.
    await append('conversation-chat-b', [
      event(1120, { type: 'ConversationMissed', data: { reason: 'left_in_queue' } }),
      event(1120, { type: 'ConversationClosed', data: { by: customer } }),
    ]);
    await append('agent-alice', [status(1200, 'alice', 'not_accepting', 'offline')]);
    // A ticket from chat B (the customer left a message): alice answers after 30 minutes, solves it the next hour.
    await append('ticket-t1', [
      event(1130, {
        type: 'TicketCreated',
        data: {
          ticket_id: 't1',
          reference: 'LD-ABCDEFGHJK',
          source: 'offline_message',
          requester: { customer_id: 'cust' },
          subject: 'Call me back',
          group_id: 'g1',
          conversation_id: 'chat-b',
          priority: 'normal',
          tags: [],
          transcript: [],
          created_by: { kind: 'system', id: 'ticketing' },
        },
      }),
    ]);
    await append('ticket-t1', [
      event(1130 + 1800, {
        type: 'TicketReplied',
        data: {
          reply_id: 'r1',
          author: { kind: 'agent', id: 'alice' },
          via: 'api',
          text: 'Calling now',
          attachments: [],
        },
      }),
      event(1130 + 1800, {
        type: 'TicketStatusChanged',
        data: { from: 'open', to: 'pending', by: { kind: 'agent', id: 'alice' }, cause: 'agent_replied' },
      }),
    ]);
    await append('ticket-t1', [
      event(1130 + 3600, {
        type: 'TicketStatusChanged',
        data: { from: 'pending', to: 'solved', by: { kind: 'agent', id: 'alice' }, cause: 'set' },
      }),
    ]);

    // Live: one event per batch, as a quiet system delivers them.
    for (const recorded of await wholeLog(db)) {
      const [outcome] = await applyEventBatch(db, METRICS_CONSUMER, [recorded], (events, trx) =>
        projector.apply(events, trx),
      );
      expect(outcome).toBe('applied');
    }
    // The leader recomputes the derived rows the batches marked dirty every round.
    await db.transaction().execute((trx) => flushDerived(trx));
    expect(await db.selectFrom('metrics.projection_dirty').selectAll().execute()).toEqual([]);
    live = await metricsSnapshot(db);
  });

  it('projects the cycles with their figures', async () => {
    const cycles = await db
      .selectFrom('metrics.conversation_cycles')
      .selectAll()
      .orderBy('conversation_id')
      .orderBy('cycle')
      .execute();
    expect(
      cycles.map((c) => [
        c.conversation_id,
        c.cycle,
        c.end_reason,
        c.queue_seconds,
        c.first_response_seconds,
        c.handle_seconds,
        c.resolution_seconds,
        c.missed_reason,
      ]),
    ).toEqual([
      ['chat-a', 1, 'resolved', 30, 48, 267, 300, null],
      ['chat-a', 2, 'resolved', 20, 41, 274, 300, null],
      ['chat-b', 1, 'missed', null, null, null, null, 'left_in_queue'],
    ]);
    expect(cycles[0]).toMatchObject({
      csat_score: 5,
      last_agent_id: 'alice',
      exchanges_answered: 2,
      policy_id: 'default',
      stream_version: 10,
    });
    expect(cycles[1]).toMatchObject({ last_agent_id: 'bob', exchanges_answered: 1, stream_version: 16 });
  });

  it('projects each exchange and each assignment', async () => {
    const responses = await db
      .selectFrom('metrics.responses')
      .select(['conversation_id', 'cycle', 'exchange', 'agent_id', 'response_seconds'])
      .orderBy('conversation_id')
      .orderBy('cycle')
      .orderBy('exchange')
      .execute();
    expect(responses).toEqual([
      { conversation_id: 'chat-a', cycle: 1, exchange: 1, agent_id: 'alice', response_seconds: 48 },
      { conversation_id: 'chat-a', cycle: 1, exchange: 2, agent_id: 'alice', response_seconds: 10 },
      { conversation_id: 'chat-a', cycle: 2, exchange: 1, agent_id: 'bob', response_seconds: 41 },
      { conversation_id: 'chat-b', cycle: 1, exchange: 1, agent_id: null, response_seconds: null },
    ]);
    const assignments = await db
      .selectFrom('metrics.agent_assignments')
      .select(['agent_id', 'cycle', 'assigned_at', 'released_at', 'released_by'])
      .orderBy('assigned_at')
      .execute();
    expect(assignments).toEqual([
      { agent_id: 'alice', cycle: 1, assigned_at: at(33), released_at: at(300), released_by: 'resolved' },
      { agent_id: 'bob', cycle: 2, assigned_at: at(626), released_at: at(900), released_by: 'resolved' },
    ]);
  });

  it('judges the SLA targets by the default policy (queue 45 s, first response 60 s, next response 30 s)', async () => {
    const outcomes = await db
      .selectFrom('metrics.sla_outcomes')
      .select([
        'conversation_id',
        'cycle',
        'target',
        'exchange',
        'status',
        'due_at',
        'breached_at',
        'breach_seconds',
        'agent_id',
      ])
      .orderBy('conversation_id')
      .orderBy('cycle')
      .orderBy('target')
      .execute();
    expect(outcomes).toEqual([
      {
        conversation_id: 'chat-a',
        cycle: 1,
        target: 'first_response',
        exchange: 0,
        status: 'hit',
        due_at: at(62),
        breached_at: null,
        breach_seconds: null,
        agent_id: 'alice',
      },
      {
        conversation_id: 'chat-a',
        cycle: 1,
        target: 'next_response',
        exchange: 2,
        status: 'hit',
        due_at: at(110),
        breached_at: null,
        breach_seconds: null,
        agent_id: 'alice',
      },
      {
        conversation_id: 'chat-a',
        cycle: 1,
        target: 'queue',
        exchange: 0,
        status: 'hit',
        due_at: at(48),
        breached_at: null,
        breach_seconds: null,
        agent_id: 'alice',
      },
      {
        conversation_id: 'chat-a',
        cycle: 2,
        target: 'first_response',
        exchange: 0,
        status: 'hit',
        due_at: at(665),
        breached_at: null,
        breach_seconds: null,
        agent_id: 'bob',
      },
      {
        conversation_id: 'chat-a',
        cycle: 2,
        target: 'queue',
        exchange: 0,
        status: 'hit',
        due_at: at(651),
        breached_at: null,
        breach_seconds: null,
        agent_id: 'bob',
      },
      // Chat B ended unanswered after both due times: missed, by the time from the due time to the end.
      {
        conversation_id: 'chat-b',
        cycle: 1,
        target: 'first_response',
        exchange: 0,
        status: 'missed',
        due_at: at(1061),
        breached_at: at(1061),
        breach_seconds: 59,
        agent_id: null,
      },
      {
        conversation_id: 'chat-b',
        cycle: 1,
        target: 'queue',
        exchange: 0,
        status: 'missed',
        due_at: at(1047),
        breached_at: at(1047),
        breach_seconds: 73,
        agent_id: null,
      },
    ]);
    // Nothing is pending, so no alert is waiting.
    expect(await db.selectFrom('metrics.projection_timers').selectAll().execute()).toEqual([]);
  });

  it('projects status intervals and each agent day in the organization time zone', async () => {
    const intervals = await db
      .selectFrom('metrics.agent_status_intervals')
      .select(['status', 'started_at', 'ended_at', 'seconds'])
      .orderBy('started_at')
      .execute();
    expect(intervals).toEqual([
      { status: 'accepting', started_at: at(-60), ended_at: at(400), seconds: 460 },
      { status: 'not_accepting', started_at: at(400), ended_at: at(1200), seconds: 800 },
      { status: 'offline', started_at: at(1200), ended_at: null, seconds: null },
    ]);
    const days = await db
      .selectFrom('metrics.agent_daily')
      .selectAll()
      .select(sql<string>`day::text`.as('day'))
      .orderBy('agent_id')
      .execute();
    expect(days).toEqual([
      expect.objectContaining({
        agent_id: 'alice',
        day: '2026-03-02',
        time_zone: 'Europe/Warsaw',
        accepting_seconds: 460,
        not_accepting_seconds: 800,
        offline_seconds: 0, // the offline interval is still open
        chatting_seconds: 267, // chat A 33 → 300 while accepting
        idle_seconds: 193, // accepting 460 − chatting 267
        average_concurrency: 1,
        chats_handled: 1,
        first_responses: 1,
        first_response_sum_seconds: 48,
        responses: 2,
        response_sum_seconds: 58,
        handled_to_end: 1,
        handle_sum_seconds: 267,
        csat_ratings: 1,
        csat_good: 1,
        csat_sum: 5,
      }),
      expect.objectContaining({
        agent_id: 'bob',
        chatting_seconds: 0, // bob has no status known: not online
        chats_handled: 1,
        first_responses: 1,
        first_response_sum_seconds: 41,
        responses: 1,
        handle_sum_seconds: 274,
        average_concurrency: null,
      }),
    ]);
  });

  it('sums each group hour', async () => {
    const hours = await db.selectFrom('metrics.group_hourly').selectAll().execute();
    expect(hours).toEqual([
      expect.objectContaining({
        group_id: 'g1',
        hour: new Date('2026-03-02T10:00:00Z'),
        cycles_started: 3,
        with_human_reply: 2,
        resolved: 2,
        still_open: 0,
        missed_left_in_queue: 1,
        queued: 2,
        queue_sum_seconds: 50,
        first_response_sum_seconds: 89,
        handled: 2,
        handle_sum_seconds: 541,
        resolution_sum_seconds: 600,
        csat_ratings: 1,
        csat_good: 1,
        sla_hit: 5,
        sla_missed: 2,
      }),
    ]);
  });

  it('projects the ticket: its source, time to first reply and to solve', async () => {
    expect(await db.selectFrom('metrics.tickets').selectAll().execute()).toEqual([
      {
        organization_id: ORG,
        ticket_id: 't1',
        source: 'offline_message',
        conversation_id: 'chat-b',
        group_id: 'g1',
        agent_id: null,
        priority: 'normal',
        status: 'solved',
        policy_id: 'default',
        created_at: at(1130),
        first_reply_at: at(2930),
        first_reply_agent_id: 'alice',
        first_reply_seconds: 1800,
        first_reply_business_seconds: 1800,
        first_solved_at: at(4730),
        first_solve_seconds: 3600,
        first_solve_business_seconds: 3600,
        solved_at: at(4730),
        solve_seconds: 3600,
        solve_business_seconds: 3600,
        reopened: 0,
        agent_replies: 1,
        requester_replies: 0,
        spam: false,
        stream_version: 4,
      },
    ]);
  });

  it('gives the same rows when rebuilt from the event store, however the reads and writes are cut', async () => {
    expect(live['metrics.conversation_cycles']).toHaveLength(3);
    expect(live['metrics.agent_daily']).toHaveLength(2);
    for (const [batchSize, flushEvery] of [
      [4, 4],
      [3, 10],
      [1000, 50_000],
    ] as const) {
      await rebuildMetrics(db, new MetricsProjector(), { batchSize, flushEvery });
      expect(await metricsSnapshot(db)).toEqual(live);
    }
  });

  it('analyzes the tables the derived rows come from once per rebuild, after its first write', async () => {
    const analyzeCounts = async (): Promise<Record<string, number>> => {
      const { rows } = await sql<{ name: string; n: string }>`
        SELECT schemaname || '.' || relname AS name, analyze_count AS n
          FROM pg_stat_user_tables WHERE schemaname = 'metrics'`.execute(db);
      return Object.fromEntries(rows.map((row) => [row.name, Number(row.n)]));
    };
    const before = await analyzeCounts();
    const writes: number[] = [];
    await rebuildMetrics(db, new MetricsProjector(), {
      batchSize: 4,
      flushEvery: 4,
      onProgress: async () => {
        const counts = await analyzeCounts();
        writes.push(counts['metrics.conversation_cycles']! - before['metrics.conversation_cycles']!);
      },
    });
    const after = await analyzeCounts();
    const analyzed = Object.keys(after).filter((table) => after[table] !== before[table]);
    expect(analyzed.sort()).toEqual([...DERIVED_SOURCE_TABLES].sort());
    expect(analyzed.map((table) => after[table]! - before[table]!)).toEqual(analyzed.map(() => 1));
    // Not before the first write: the tables were empty then.
    expect(writes.length).toBeGreaterThan(2);
    expect(writes[0]).toBe(0);
    expect(writes.at(-1)).toBe(1);
    expect(await metricsSnapshot(db)).toEqual(live);
  });

  it('applies a redelivered event once', async () => {
    const [first] = await wholeLog(db);
    const outcomes = await applyEventBatch(db, METRICS_CONSUMER, [first!], (events, trx) =>
      projector.apply(events, trx),
    );
    expect(outcomes).toEqual(['already_applied']);
    expect(await metricsSnapshot(db)).toEqual(live);
  });
});
