import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { countStreamsBehind, createDatabase } from '@livedesk/event-store';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { deferSecondaryIndexes } from '../projection/deferred-indexes.js';
import { metricsIndexes, metricsSnapshot } from '../projection/testing/metrics-snapshot.js';

/**
 * Real chats through the WebSocket protocol (gateway, conversation, routing and metrics as
 * processes) on a clock the test sets, so that every figure of the metrics tables can be
 * computed by hand: a bot handing over to humans, a transfer, ratings, NPS and a goal (chat
 * A), a customer leaving the queue (B), a reopen (C), a chat across the end of the business day
 * (D), and an agent's working hour ending in `offline`. Then the tables are rebuilt from the
 * event store through the API and must be the same, row for row.
 *
 * t0 is Monday 2026-03-02 08:00Z, 09:00 in Warsaw (the organization's zone and the policy's
 * calendar: Mon–Fri 09:00–17:00). Times below are seconds after t0.
 */
const t0 = Date.parse('2026-03-02T08:00:00Z');
const T = (seconds: number): Date => new Date(t0 + seconds * 1000);
/** Tuesday 09:00 in Warsaw. */
const TUESDAY = 86_400;

describe('metrics from chats driven through the protocol', () => {
  let system: ChatSystem;
  let db: Kysely<any>;
  let org: string;
  let group: string;
  const agents: Record<string, string> = {};
  const chats: Record<string, string> = {};

  /** Sets the clock of every service, then waits until every alert due by then has been sent and every event projected (derived rows too). */
  async function at(seconds: number): Promise<void> {
    await system.setClock(T(seconds));
    await settle(seconds);
  }

  async function settle(seconds: number): Promise<void> {
    await waitFor(
      async () => {
        // Caught up first, then nothing due: read the other way round, an event applied between
        // the two reads (a started chat) added timers that neither read saw.
        if ((await countStreamsBehind(db, 'metrics-projector')) !== 0) return false;
        const { rows } = await sql<{ due: string; dirty: string }>`
          SELECT (SELECT count(*) FROM metrics.projection_timers WHERE fire_at <= ${T(seconds)}) AS due,
                 (SELECT count(*) FROM metrics.projection_dirty) AS dirty`.execute(db);
        return rows[0]!.due === '0' && rows[0]!.dirty === '0';
      },
      { what: `every alert due by t0+${seconds}s sent and every event projected`, timeoutMs: 20_000, intervalMs: 50 },
    );
  }

  async function login(
    name: string,
    options: { role?: 'agent' | 'supervisor'; kind?: 'human' | 'bot' } = {},
  ): Promise<RtmTestClient> {
    const account = await system.createAgent(org, { email: `${name}@warsaw.test`, groups: [group], ...options });
    agents[name] = account.agentId;
    return system.connect('agent', account.token);
  }

  let alice: RtmTestClient;
  let bob: RtmTestClient;
  let bot: RtmTestClient;
  const customers: RtmTestClient[] = [];
  const send = (socket: RtmTestClient, chat: string, text: string) =>
    socket.call('send_event', { chat_id: chats[chat], event: { type: 'message', text, client_id: `${chat}-${text}` } });

  beforeAll(async () => {
    system = await ChatSystem.start({
      gateways: 1,
      routing: 1,
      metrics: 1,
      testClock: true,
      // The test clock jumps hours: no chat may end by itself meanwhile (customer_left, inactive).
      env: {
        ROUTING_AUTO_TRANSFER_SECONDS: '86400',
        CHAT_ABANDON_SECONDS: '86400',
        METRICS_SLA_POLL_MS: '50',
        METRICS_CONTROL_POLL_MS: '100',
        METRICS_DERIVED_INTERVAL_MS: '100',
      },
    });
    db = createDatabase(system.database.url, { max: 2 });
    ({ organization_id: org } = await system.createOrganization('Warsaw', 'Europe/Warsaw'));
    const week = await fetch(`${system.gatewayUrl()}/v1/organizations/${org}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${system.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chat_inactivity_seconds: 7 * 86_400 }),
    });
    expect(week.status).toBe(200);
    group = await system.createGroup(org, 'Support', 'manual');
    await system.setClock(T(-60));
    const policy = await system.call(system.metrics[0]!, 'PUT', `/v1/organizations/${org}/sla_policies/office`, {
      name: 'Office hours',
      match: { group_ids: [group] },
      targets: { queue_seconds: 60, first_response_seconds: 120, next_response_seconds: 60, resolution_seconds: 3600 },
      calendar: {
        time_zone: 'Europe/Warsaw',
        weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from: '09:00', to: '17:00' })),
      },
      effective_from: T(-3600).toISOString(),
    });
    expect(policy.status).toBe(200);
    for (let i = 0; i < 4; i++) customers.push(await system.connect('customer', await system.customerToken(org)));

    // 0: everyone logs in (presence: accepting).
    await system.setClock(T(0));
    alice = await login('alice');
    bob = await login('bob');
    await login('sue', { role: 'supervisor' });
    bot = await login('helpbot', { kind: 'bot' });
    await settle(0);

    // Chat A: the bot takes it, hands it to the group, alice answers, transfers to bob, bob resolves.
    await at(10);
    chats.A = (
      await customers[0]!.call('start_chat', {
        group_id: group,
        message: { text: 'My parcel is late', client_id: 'a-1' },
      })
    ).chat_id;
    await at(15);
    await bot.call('join_chat', { chat_id: chats.A });
    await at(16);
    await send(bot, 'A', 'I can help: what is your order number?');
    await at(30);
    await send(customers[0]!, 'A', 'I want a person');
    await at(40);
    await bot.call('transfer_chat', { chat_id: chats.A, target: { group_id: group } });
    await at(70);
    await alice.call('join_chat', { chat_id: chats.A });
    await at(100);
    await send(alice, 'A', 'Hello, I am Alice');
    await at(130);
    await send(customers[0]!, 'A', 'Order 48213');
    await at(150);
    await alice.call('transfer_chat', { chat_id: chats.A, target: { agent_id: agents.bob } });
    await at(185);
    await send(bob, 'A', 'Bob here: it ships today');
    await at(250);
    await bob.call('resolve_chat', { chat_id: chats.A });
    await at(260);
    await customers[0]!.call('rate_chat', { chat_id: chats.A, score: 4 });
    await customers[0]!.call('answer_nps', { chat_id: chats.A, score: 9 });
    await customers[0]!.call('report_goal', { chat_id: chats.A, goal: 'purchase', value: 120 });

    // Chat B: nobody takes it; the customer leaves after two minutes.
    await at(300);
    chats.B = (
      await customers[1]!.call('start_chat', { group_id: group, message: { text: 'Hello?', client_id: 'b-1' } })
    ).chat_id;
    await at(420);
    await customers[1]!.call('close_chat', { chat_id: chats.B });

    // Chat C: alice resolves it, the customer writes again (a reopen), bob takes the second cycle late.
    await at(500);
    chats.C = (
      await customers[2]!.call('start_chat', { group_id: group, message: { text: 'Invoice please', client_id: 'c-1' } })
    ).chat_id;
    await at(520);
    await alice.call('join_chat', { chat_id: chats.C });
    await at(540);
    await send(alice, 'C', 'Sent to your email');
    await at(600);
    await alice.call('resolve_chat', { chat_id: chats.C });
    await at(700);
    await send(customers[2]!, 'C', 'It did not arrive');
    await at(800);
    await bob.call('join_chat', { chat_id: chats.C });
    await at(830);
    await send(bob, 'C', 'Sending it again');
    await at(900);
    await bob.call('resolve_chat', { chat_id: chats.C });

    // alice stops accepting, then leaves; 30 s later presence puts her offline.
    await at(1000);
    await alice.call('set_routing_status', { status: 'not_accepting' });
    await at(1200);
    alice.socket.close();
    await alice.closed;
    // Routing starts the 30 s grace when the gateway tells it the last socket closed: wait for
    // that (at 1200 on the clock) before moving the clock past its end.
    await waitFor(
      async () =>
        (await system.routingTimers()).some(
          ({ timer, dueAt }) =>
            timer.kind === 'presence_grace' && timer.agent_id === agents.alice && dueAt === T(1230).getTime(),
        ),
      {
        what: "alice's presence grace to start",
      },
    );
    await at(1300);
    await waitFor(
      async () => {
        const { rows } =
          await sql`SELECT 1 FROM metrics.agent_status_intervals WHERE agent_id = ${agents.alice} AND status = 'offline'`.execute(
            db,
          );
        return rows.length === 1;
      },
      { what: 'alice to be offline' },
    );

    // Chat D: at 16:55 local, answered the next morning.
    await at(28_500);
    chats.D = (
      await customers[3]!.call('start_chat', {
        group_id: group,
        message: { text: 'Are you still open?', client_id: 'd-1' },
      })
    ).chat_id;
    await at(29_100);
    await bob.call('join_chat', { chat_id: chats.D });
    await at(TUESDAY + 600);
    await send(bob, 'D', 'Good morning, yes');
    await at(TUESDAY + 1200);
    await bob.call('resolve_chat', { chat_id: chats.D });
    await settle(TUESDAY + 1200);
  }, 180_000);

  afterAll(async () => {
    await db?.destroy();
    await system?.stop();
  });

  const cycleOf = async (chat: string, cycle = 1) =>
    (
      await sql<
        Record<string, any>
      >`SELECT * FROM metrics.conversation_cycles WHERE conversation_id = ${chats[chat]} AND cycle = ${cycle}`.execute(
        db,
      )
    ).rows[0]!;

  it('measures chat A: bot handoff, transfer, ratings, NPS and a goal', async () => {
    expect(await cycleOf('A')).toMatchObject({
      organization_id: org,
      group_id: group,
      channel: 'chat',
      policy_id: 'office',
      started_at: T(10),
      ended_at: T(250),
      end_reason: 'resolved',
      queued_at: T(40), // the bot's handover, not the first queueing: bot time is not queue time
      first_human_assigned_at: T(70),
      bot_handoff_at: T(70),
      clock_start_at: T(70), // the customer wrote at 10, but to the bot: the clock starts at the handoff
      first_response_at: T(100),
      first_response_agent_id: agents.alice,
      last_agent_id: agents.bob,
      queue_seconds: 30,
      queue_business_seconds: 30,
      first_response_seconds: 30,
      first_response_business_seconds: 30,
      longest_wait_seconds: 55, // 130 → 185
      exchanges_answered: 2,
      resolution_seconds: 240,
      resolution_business_seconds: 240,
      handle_seconds: 180, // 70 → 250
      missed: false,
      transfers_manual: 2, // the bot to the group, alice to bob
      transfers_auto: 0,
      csat_score: 4,
      nps_score: 9,
      converted: true,
      goals: ['purchase'],
      goal_value: 120,
      assigned_agent_ids: [agents.alice, agents.bob],
    });
    const responses = await sql`
      SELECT exchange, agent_id, started_at, replied_at, response_seconds FROM metrics.responses
       WHERE conversation_id = ${chats.A} ORDER BY exchange`.execute(db);
    expect(responses.rows).toEqual([
      { exchange: 1, agent_id: agents.alice, started_at: T(70), replied_at: T(100), response_seconds: 30 },
      { exchange: 2, agent_id: agents.bob, started_at: T(130), replied_at: T(185), response_seconds: 55 },
    ]);
    const assignments = await sql`
      SELECT agent_id, agent_kind, assigned_at, released_at, assigned_via, released_by FROM metrics.agent_assignments
       WHERE conversation_id = ${chats.A} ORDER BY seq`.execute(db);
    expect(assignments.rows).toEqual([
      {
        agent_id: agents.helpbot,
        agent_kind: 'bot',
        assigned_at: T(15),
        released_at: T(40),
        assigned_via: 'agent',
        released_by: 'transfer',
      },
      {
        agent_id: agents.alice,
        agent_kind: 'human',
        assigned_at: T(70),
        released_at: T(150),
        assigned_via: 'agent',
        released_by: 'transfer',
      },
      {
        agent_id: agents.bob,
        agent_kind: 'human',
        assigned_at: T(150),
        released_at: T(250),
        assigned_via: 'transfer',
        released_by: 'resolved',
      },
    ]);
    const ratings =
      await sql`SELECT kind, score, agent_id, rated_at FROM metrics.ratings WHERE conversation_id = ${chats.A} ORDER BY kind`.execute(
        db,
      );
    expect(ratings.rows).toEqual([
      { kind: 'csat', score: 4, agent_id: agents.bob, rated_at: T(260) },
      { kind: 'nps', score: 9, agent_id: agents.bob, rated_at: T(260) },
    ]);
  });

  it('measures chat B, missed in the queue, and chat C over its two cycles', async () => {
    expect(await cycleOf('B')).toMatchObject({
      started_at: T(300),
      ended_at: T(420),
      end_reason: 'missed',
      missed: true,
      missed_reason: 'left_in_queue',
      queue_seconds: null,
      first_response_seconds: null,
      assigned_agent_ids: [],
    });
    expect(await cycleOf('C', 1)).toMatchObject({
      started_at: T(500),
      ended_at: T(600),
      queue_seconds: 20,
      first_response_seconds: 40,
      handle_seconds: 80,
      resolution_seconds: 100,
      last_agent_id: agents.alice,
    });
    expect(await cycleOf('C', 2)).toMatchObject({
      started_at: T(700), // the customer's message reopened it
      clock_start_at: T(700),
      queued_at: T(700),
      first_human_assigned_at: T(800),
      queue_seconds: 100,
      first_response_seconds: 130,
      first_response_agent_id: agents.bob,
      handle_seconds: 100,
      resolution_seconds: 200,
      assigned_agent_ids: [agents.bob],
    });
  });

  it('counts business time for chat D, across the end of the business day', async () => {
    // 16:55 local = t0+28500. Open until 17:00 (300 s), then from Tuesday 09:00.
    expect(await cycleOf('D')).toMatchObject({
      started_at: T(28_500),
      first_human_assigned_at: T(29_100), // 17:05
      first_response_at: T(TUESDAY + 600), // Tuesday 09:10
      ended_at: T(TUESDAY + 1200), // Tuesday 09:20
      queue_seconds: 600,
      queue_business_seconds: 300, // 16:55–17:00
      first_response_seconds: 58_500,
      first_response_business_seconds: 900, // 16:55–17:00 + 09:00–09:10
      longest_wait_seconds: 58_500,
      longest_wait_business_seconds: 900,
      resolution_seconds: 59_100,
      resolution_business_seconds: 1500, // 300 + 09:00–09:20
      handle_seconds: 58_500,
      handle_business_seconds: 1200, // from 17:05: 09:00–09:20 only
    });
  });

  it('judges every SLA target in business time, with the live alerts recorded', async () => {
    const { rows } = await sql<Record<string, any>>`
      SELECT conversation_id, cycle, target, exchange, status, due_at, completed_at, breached_at, breach_seconds, breach_business_seconds,
             agent_id, warning_notified_at, breach_notified_at
        FROM metrics.sla_outcomes ORDER BY started_at, target`.execute(db);
    const outcome = (chat: string, cycle: number, target: string, fields: Record<string, unknown>) => ({
      conversation_id: chats[chat],
      cycle,
      target,
      exchange: 0,
      completed_at: null,
      breached_at: null,
      breach_seconds: null,
      breach_business_seconds: null,
      agent_id: null,
      warning_notified_at: null,
      breach_notified_at: null,
      ...fields,
    });
    // The full list, in start order (ties by target name).
    expect(
      rows.map((row) => [
        Object.keys(chats).find((key) => chats[key] === row.conversation_id),
        row.cycle,
        row.target,
        row.status,
      ]),
    ).toEqual([
      ['A', 1, 'resolution', 'hit'],
      ['A', 1, 'queue', 'hit'],
      ['A', 1, 'first_response', 'hit'],
      ['A', 1, 'next_response', 'hit'],
      ['B', 1, 'queue', 'missed'], // B's first response fell due when it ended: no outcome; nor resolution (closed before due)
      ['C', 1, 'first_response', 'hit'], // all three start with the cycle at 500
      ['C', 1, 'queue', 'hit'],
      ['C', 1, 'resolution', 'hit'],
      ['C', 2, 'first_response', 'missed'],
      ['C', 2, 'queue', 'missed'],
      ['C', 2, 'resolution', 'hit'],
      ['D', 1, 'first_response', 'missed'],
      ['D', 1, 'queue', 'missed'],
      ['D', 1, 'resolution', 'hit'],
    ]);
    const find = (chat: string, cycle: number, target: string) =>
      rows.find((row) => row.conversation_id === chats[chat] && row.cycle === cycle && row.target === target);
    expect(find('A', 1, 'next_response')).toEqual(
      outcome('A', 1, 'next_response', {
        exchange: 2,
        status: 'hit',
        due_at: T(190),
        completed_at: T(185),
        agent_id: agents.bob,
        warning_notified_at: T(185),
      }),
    );
    expect(find('B', 1, 'queue')).toEqual(
      outcome('B', 1, 'queue', {
        status: 'missed',
        due_at: T(360),
        breached_at: T(360),
        breach_seconds: 60,
        breach_business_seconds: 60,
        warning_notified_at: T(420),
        breach_notified_at: T(420),
      }),
    );
    expect(find('C', 2, 'queue')).toEqual(
      outcome('C', 2, 'queue', {
        status: 'missed',
        due_at: T(760),
        completed_at: T(800),
        breached_at: T(760),
        breach_seconds: 40,
        breach_business_seconds: 40,
        agent_id: null,
        warning_notified_at: T(800),
        breach_notified_at: T(800),
      }),
    );
    expect(find('C', 2, 'first_response')).toEqual(
      outcome('C', 2, 'first_response', {
        status: 'missed',
        due_at: T(820),
        completed_at: T(830),
        breached_at: T(820),
        breach_seconds: 10,
        breach_business_seconds: 10,
        agent_id: agents.bob,
        warning_notified_at: T(800),
        breach_notified_at: T(830),
      }),
    );
    // D: 60 business seconds from 16:55 is 16:56; 120 is 16:57; the alerts went when the clock reached 17:05.
    expect(find('D', 1, 'queue')).toEqual(
      outcome('D', 1, 'queue', {
        status: 'missed',
        due_at: T(28_560),
        completed_at: T(29_100),
        breached_at: T(28_560),
        breach_seconds: 540,
        breach_business_seconds: 240,
        warning_notified_at: T(29_100),
        breach_notified_at: T(29_100),
      }),
    );
    expect(find('D', 1, 'first_response')).toEqual(
      outcome('D', 1, 'first_response', {
        status: 'missed',
        due_at: T(28_620),
        completed_at: T(TUESDAY + 600),
        breached_at: T(28_620),
        breach_seconds: TUESDAY + 600 - 28_620,
        breach_business_seconds: 780, // 16:57–17:00 + 09:00–09:10
        agent_id: null, // nobody held the chat at 16:57
        warning_notified_at: T(29_100),
        breach_notified_at: T(29_100),
      }),
    );
    // 3600 business seconds from 16:55: 300 on Monday, 3300 on Tuesday: due at 09:55.
    expect(find('D', 1, 'resolution')).toMatchObject({
      status: 'hit',
      due_at: T(TUESDAY + 3300),
      completed_at: T(TUESDAY + 1200),
    });
  });

  it('projects the agents: status intervals and their days in Warsaw', async () => {
    const intervals = await sql`
      SELECT status, started_at, ended_at, seconds, reason FROM metrics.agent_status_intervals
       WHERE agent_id = ${agents.alice} ORDER BY started_at`.execute(db);
    expect(intervals.rows).toEqual([
      { status: 'accepting', started_at: T(0), ended_at: T(1000), seconds: 1000, reason: 'presence' },
      { status: 'not_accepting', started_at: T(1000), ended_at: T(1300), seconds: 300, reason: 'agent' },
      { status: 'offline', started_at: T(1300), ended_at: null, seconds: null, reason: 'presence' },
    ]);
    const days = await sql<Record<string, any>>`
      SELECT agent_id, day::text AS day, accepting_seconds, not_accepting_seconds, offline_seconds, chatting_seconds, idle_seconds,
             average_concurrency, chats_handled, first_responses, first_response_sum_seconds, first_response_sum_business_seconds,
             responses, response_sum_seconds, handled_to_end, handle_sum_seconds, handle_sum_business_seconds, csat_ratings, csat_good,
             csat_sum, transfers_in, transfers_out, missed_assigned, sla_missed
        FROM metrics.agent_daily ORDER BY agent_id, day`.execute(db);
    const byAgent = (name: string, day: string) =>
      days.rows.find((row) => row.agent_id === agents[name] && row.day === day);
    expect(byAgent('alice', '2026-03-02')).toEqual({
      agent_id: agents.alice,
      day: '2026-03-02',
      accepting_seconds: 1000,
      not_accepting_seconds: 300,
      offline_seconds: 0, // still offline: an open interval counts nowhere yet
      chatting_seconds: 160, // chat A 70–150, chat C 520–600
      idle_seconds: 840, // accepting 1000 − chatting 160
      average_concurrency: 1,
      chats_handled: 2,
      first_responses: 2,
      first_response_sum_seconds: 70,
      first_response_sum_business_seconds: 70,
      responses: 2,
      response_sum_seconds: 70,
      handled_to_end: 1, // chat C's first cycle; bob ended chat A
      handle_sum_seconds: 80,
      handle_sum_business_seconds: 80,
      csat_ratings: 0,
      csat_good: 0,
      csat_sum: 0,
      transfers_in: 0,
      transfers_out: 1,
      missed_assigned: 0,
      sla_missed: 0,
    });
    expect(byAgent('bob', '2026-03-02')).toMatchObject({
      accepting_seconds: 0, // still accepting
      chatting_seconds: 0,
      chats_handled: 3, // A (by transfer), C's second cycle, D
      transfers_in: 1,
      first_responses: 1, // C's second cycle (D's came on Tuesday)
      first_response_sum_seconds: 130,
      responses: 2,
      response_sum_seconds: 185, // A's 55 + C's 130
      handled_to_end: 2, // A and C's second cycle
      handle_sum_seconds: 280,
      csat_ratings: 1,
      csat_good: 1,
      csat_sum: 4,
      sla_missed: 1, // C's second first response (the queue target fell due before bob took it)
    });
    expect(byAgent('bob', '2026-03-03')).toMatchObject({
      chats_handled: 0,
      first_responses: 1,
      first_response_sum_seconds: 58_500,
      first_response_sum_business_seconds: 900,
      handled_to_end: 1,
      handle_sum_seconds: 58_500,
      handle_sum_business_seconds: 1200,
    });
  });

  it('sums each group hour (UTC) of cycle starts', async () => {
    const hours = await sql<Record<string, any>>`SELECT * FROM metrics.group_hourly ORDER BY hour`.execute(db);
    expect(hours.rows).toEqual([
      expect.objectContaining({
        hour: new Date('2026-03-02T08:00:00Z'),
        cycles_started: 4, // A, B, C ×2
        with_human_reply: 3,
        resolved: 3,
        still_open: 0,
        missed_left_in_queue: 1,
        queued: 3,
        queue_sum_seconds: 150,
        first_response_sum_seconds: 200,
        handled: 3,
        handle_sum_seconds: 360,
        resolution_sum_seconds: 540,
        csat_ratings: 1,
        csat_good: 1,
        nps_answers: 1,
        nps_promoters: 1,
        converted: 1,
        sla_hit: 8,
        sla_missed: 3,
      }),
      expect.objectContaining({
        hour: new Date('2026-03-02T15:00:00Z'),
        cycles_started: 1,
        queue_sum_seconds: 600,
        queue_sum_business_seconds: 300,
        first_response_sum_business_seconds: 900,
        resolution_sum_business_seconds: 1500,
        sla_hit: 1,
        sla_missed: 2,
      }),
    ]);
  });

  const indexes = () => metricsIndexes(db);
  let indexesBefore: Awaited<ReturnType<typeof indexes>>;

  it('rebuilds every metrics table from the event store, through the API, to the same rows', async () => {
    indexesBefore = await indexes();
    expect(indexesBefore.deferred).toBe(0);
    const live = await metricsSnapshot(db);
    expect(live['metrics.conversation_cycles']).toHaveLength(5);
    const asked = await system.call(system.metrics[0]!, 'POST', '/v1/metrics/rebuild');
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('requested');
    const done = await waitFor(
      async () => {
        const status = await system.call(system.metrics[0]!, 'GET', '/v1/metrics/rebuild');
        return status.body.status === 'done' &&
          status.body.started_at !== null &&
          Date.parse(status.body.started_at) >= Date.parse(asked.body.requested_at)
          ? status.body
          : undefined;
      },
      { what: 'the rebuild', timeoutMs: 30_000 },
    );
    expect(done.events_done).toBeGreaterThan(50);
    expect(await metricsSnapshot(db)).toEqual(live);
    expect(await indexes()).toEqual(indexesBefore);
  });

  it('builds, before it consumes again, the indexes a rebuild stopped half-way left dropped', async () => {
    // As a rebuild leaves them when its process dies after its first transaction.
    await system.restart(async () => {
      await db.transaction().execute(async (trx) => {
        expect(await deferSecondaryIndexes(trx)).toBeGreaterThan(20);
      });
      expect((await indexes()).deferred).toBeGreaterThan(20);
    });
    await waitFor(async () => ((await indexes()).deferred === 0 ? true : undefined), {
      what: 'the new leader to build the indexes',
      timeoutMs: 30_000,
    });
    expect(await indexes()).toEqual(indexesBefore);
  });
});
