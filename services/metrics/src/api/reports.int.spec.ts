import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { DAILY_CSV_COLUMNS } from '../reports/daily-summary-csv.js';
import { at, NOW, ORG, seedReportsScenario } from '../reports/testing/reports-scenario.js';
import { startReportsApi, TEST_ADMIN_TOKEN, type ReportsApi } from './testing/start-reports-api.js';
import { metricsTestDatabase, type MetricsTestDatabase } from '../projection/testing/metrics-test-database.js';

// Every expected value below is worked out by hand from the events of reports-scenario.ts (its
// comment lists them), not read back from the tables.

let fixture: MetricsTestDatabase | undefined;
let db: Kysely<MetricsDatabase>;
let api: ReportsApi;

beforeAll(async () => {
  fixture = await metricsTestDatabase(4);
  db = fixture.db;
  await seedReportsScenario(db);
  api = await startReportsApi(db, NOW);
});

afterAll(async () => {
  await api?.close();
  await fixture?.close();
});

type Json = Record<string, any>;

async function report(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; response: Response }> {
  const response = await fetch(`${api.url}/v1/organizations/${ORG}/reports/${path}`, {
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...headers },
  });
  const text = await response.clone().text();
  return {
    status: response.status,
    body: (response.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : { text },
    response,
  };
}

/** The local day of March 4th in Warsaw. */
const MARCH_4 = 'from=2026-03-03T23:00:00Z&to=2026-03-04T23:00:00Z';

/** count, average, median, 90th percentile, max */
function expectStats(actual: Json, [count, average, median, p90, max]: (number | null)[]): void {
  expect(actual.count).toBe(count);
  for (const [name, value] of [
    ['average_seconds', average],
    ['median_seconds', median],
    ['p90_seconds', p90],
    ['max_seconds', max],
  ] as const) {
    if (value === null || value === undefined) expect(actual[name]).toBeNull();
    else expect(actual[name]).toBeCloseTo(value, 6);
  }
}

describe('GET /reports/overview', () => {
  let calendar: Json;
  let business: Json;

  beforeAll(async () => {
    const [c, b] = await Promise.all([report(`overview?${MARCH_4}`), report(`overview?${MARCH_4}&time=business`)]);
    expect(c.status).toBe(200);
    expect(b.status).toBe(200);
    calendar = c.body;
    business = b.body;
  });

  it('counts the cycles started in the period by status, with the ratio of each', () => {
    // A1, A2 (the reopen), B, C, D, E, F, G; I is the day before and H the day after.
    expect(calendar.chats).toEqual({
      started: 8,
      with_human_reply: { count: 4, ratio: 0.5 },
      missed: {
        count: 3,
        ratio: 0.375,
        by_reason: {
          left_in_queue: { count: 1, ratio: 0.125 },
          unanswered: { count: 1, ratio: 0.125 },
          no_agents: { count: 1, ratio: 0.125 },
        },
      },
      resolved: { count: 4, ratio: 0.5 },
      still_open: { count: 1, ratio: 0.125 },
      // Now: G waits in the queue, bob holds H.
      open_now: 2,
      queued_now: { count: 1, ratio: 0.5 },
      // A's (by bob) and E's offline message; D's was spam, I's chat started the day before and
      // the email ticket came from no chat.
      tickets_created: { count: 2, ratio: 0.25, by_source: { chat: 1, missed_chat: 0, offline_message: 1 } },
    });
    expect(calendar).toMatchObject({
      organization_id: ORG,
      from: '2026-03-03T23:00:00.000Z',
      to: '2026-03-04T23:00:00.000Z',
      time: 'calendar',
      group_id: null,
      agent_id: null,
    });
  });

  it('gives FRT, response, queue, resolution, handle time and longest wait in calendar seconds', () => {
    // FRT: A1 40, A2 110, B 40 (from the handoff, not from the customer's first message), F 5695.
    expectStats(calendar.first_response, [4, 1471.25, 75, 4019.5, 5695]);
    // Exchanges: A1 40, 10, 20 (bob, after the transfer); A2 110; B 40; F 5695.
    expectStats(calendar.response, [6, 5915 / 6, 40, 2902.5, 5695]);
    // Queue: A1 20, A2 30, B 20 (from the bot's handoff), D 10, F 55.
    expectStats(calendar.queue, [5, 27, 20, 45, 55]);
    // First resolution: cycle 1 of A (300), B (300), F (6000). Full: the last cycle, A2 (400), B, F.
    expectStats(calendar.resolution.first, [3, 2200, 300, 4860, 6000]);
    expectStats(calendar.resolution.full, [3, 6700 / 3, 400, 4880, 6000]);
    // Handle: A1 270, A2 360, B 240, D 135 (never answered), F 5940.
    expectStats(calendar.handle, [5, 1389, 270, 3708, 5940]);
    expectStats(calendar.longest_wait, [4, 1471.25, 75, 4019.5, 5695]);
  });

  it('switches every duration to business seconds with time=business', () => {
    // Only F has a calendar: FRT 300, queue 0, resolution 600, handle 600 inside opening hours.
    expect(business.time).toBe('business');
    expectStats(business.first_response, [4, 122.5, 75, 243, 300]);
    expectStats(business.response, [6, 520 / 6, 40, 205, 300]);
    expectStats(business.queue, [5, 16, 20, 26, 30]);
    expectStats(business.resolution.first, [3, 400, 300, 540, 600]);
    expectStats(business.resolution.full, [3, 1300 / 3, 400, 560, 600]);
    expectStats(business.handle, [5, 321, 270, 504, 600]);
    expectStats(business.longest_wait, [4, 122.5, 75, 243, 300]);
    // Counts, ratings and SLA do not depend on the switch.
    expect(business.chats).toEqual(calendar.chats);
    expect(business.sla).toEqual(calendar.sla);
  });

  it('gives CSAT, NPS, SLA % per target and conversion', () => {
    expect(calendar.csat).toEqual({ ratings: 2, good: 1, percent: 50, average_score: 3.5 });
    // NPS: A2 9 and F 10 promote, B 3 detracts.
    expect(calendar.nps.score).toBeCloseTo(100 / 3, 9);
    expect(calendar.nps).toMatchObject({ answers: 3, promoters: 2, passives: 0, detractors: 1 });
    // CES: A2 6, and B's last answer 3 (its first, 2, replaced; a survey without CES changes nothing).
    expect(calendar.ces).toEqual({
      answers: 2,
      average: 4.5,
      distribution: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 1, 7: 0 },
    });
    // Queue: hit A1, A2, B, D, F; missed C and G (detected live, still open). First response:
    // hit A1, B; missed A2, C, D, F; G pending (left out of the %).
    expect(calendar.sla.queue).toMatchObject({ hit: 5, missed: 2, pending: 0 });
    expect(calendar.sla.queue.percent).toBeCloseTo(500 / 7, 9);
    expect(calendar.sla.first_response).toMatchObject({ hit: 2, missed: 4, pending: 1 });
    expect(calendar.sla.first_response.percent).toBeCloseTo(100 / 3, 9);
    expect(calendar.sla.next_response).toEqual({ hit: 1, missed: 0, pending: 0, percent: 100 });
    expect(calendar.sla.resolution).toEqual({ hit: 1, missed: 0, pending: 0, percent: 100 });
    expect(calendar.sla.overall).toEqual({ hit: 9, missed: 6, pending: 1, percent: 60 });
    // A (goal in its second cycle), B and F had a human reply; A converted.
    expect(calendar.conversion).toMatchObject({
      conversations_with_human_reply: 3,
      converted: 1,
      converted_with_human_reply: 1,
    });
    expect(calendar.conversion.rate).toBeCloseTo(1 / 3, 12);
  });

  it("attributes figures to an agent as the tables do (bob: A1's last exchange, rating and handle time, A2)", async () => {
    const { status, body } = await report(`overview?${MARCH_4}&agent_id=bob`);
    expect(status).toBe(200);
    expect(body.chats).toMatchObject({
      started: 2,
      with_human_reply: { count: 2, ratio: 1 },
      resolved: { count: 2, ratio: 1 },
      open_now: null,
      queued_now: null,
    });
    expectStats(body.first_response, [1, 110, 110, 110, 110]);
    expectStats(body.response, [2, 65, 65, 101, 110]);
    expectStats(body.handle, [2, 315, 315, 351, 360]);
    expectStats(body.queue, [2, 25, 25, 29, 30]);
    expectStats(body.resolution.first, [1, 300, 300, 300, 300]);
    expectStats(body.resolution.full, [1, 400, 400, 400, 400]);
    expect(body.csat).toEqual({ ratings: 1, good: 1, percent: 100, average_score: 5 });
    expect(body.nps).toMatchObject({ answers: 1, promoters: 1, score: 100 });
    // A1's next response (bob answered it), A2's queue (hit) and first response (missed).
    expect(body.sla.overall.hit).toBe(2);
    expect(body.sla.overall.missed).toBe(1);
    expect(body.conversion).toMatchObject({
      conversations_with_human_reply: 1,
      converted_with_human_reply: 1,
      rate: 1,
    });
    // A's ticket, once for its two cycles.
    expect(body.chats.tickets_created).toEqual({
      count: 1,
      ratio: 0.5,
      by_source: { chat: 1, missed_chat: 0, offline_message: 0 },
    });
  });

  it('counts an agent who never answered a chat assigned to them (alice: D missed unanswered)', async () => {
    const { body } = await report(`overview?${MARCH_4}&agent_id=alice`);
    expect(body.chats.started).toBe(2);
    expect(body.chats.missed).toMatchObject({
      count: 1,
      ratio: 0.5,
      by_reason: { unanswered: { count: 1, ratio: 0.5 } },
    });
    expectStats(body.first_response, [1, 40, 40, 40, 40]);
    expectStats(body.response, [2, 25, 25, 37, 40]);
    expectStats(body.handle, [1, 135, 135, 135, 135]);
    expect(body.csat).toEqual({ ratings: 0, good: 0, percent: null, average_score: null });
    // A1 queue and first response (hit while alice held it), D queue (hit), D first response (missed).
    expect(body.sla.overall).toEqual({ hit: 3, missed: 1, pending: 0, percent: 75 });
    // A's goal came in cycle 2, which alice was not assigned in.
    expect(body.conversion).toMatchObject({
      conversations_with_human_reply: 1,
      converted_with_human_reply: 0,
      rate: 0,
    });
    // A's ticket (alice held A1); D's was marked spam.
    expect(body.chats.tickets_created).toMatchObject({ count: 1, ratio: 0.5 });
  });

  it('filters by group, in business time (g2: F under the business-hours policy)', async () => {
    const { body } = await report(`overview?${MARCH_4}&group_id=g2&time=business`);
    expect(body.chats).toMatchObject({
      started: 1,
      with_human_reply: { count: 1, ratio: 1 },
      resolved: { count: 1, ratio: 1 },
      open_now: 0,
      queued_now: { count: 0, ratio: null },
    });
    expectStats(body.first_response, [1, 300, 300, 300, 300]);
    expectStats(body.queue, [1, 0, 0, 0, 0]);
    expectStats(body.handle, [1, 600, 600, 600, 600]);
    expect(body.sla.first_response).toEqual({ hit: 0, missed: 1, pending: 0, percent: 0 });
    expect(body.sla.resolution).toEqual({ hit: 1, missed: 0, pending: 0, percent: 100 });
    expect(body.nps).toMatchObject({ answers: 1, promoters: 1, score: 100 });
    expect(body.csat.percent).toBeNull();
    expect(body.chats.tickets_created).toEqual({
      count: 0,
      ratio: 0,
      by_source: { chat: 0, missed_chat: 0, offline_message: 0 },
    });
  });

  it('takes from inclusive and to exclusive', async () => {
    // [T, T+3600): A1, B, C, D, E; F started before, A2 exactly at the end.
    const { body } = await report(`overview?from=${at(0).toISOString()}&to=${at(3600).toISOString()}`);
    expect(body.chats.started).toBe(5);
  });

  it('covers the 7 days up to now by default', async () => {
    const { body } = await report('overview');
    expect(body).toMatchObject({ from: '2026-02-26T12:00:00.000Z', to: '2026-03-05T12:00:00.000Z' });
    // I (March 3rd), the 8 cycles of March 4th, H (March 5th).
    expect(body.chats.started).toBe(10);
    expect(body.chats.tickets_created).toMatchObject({
      count: 3,
      ratio: 0.3,
      by_source: { chat: 2, offline_message: 1 },
    });
  });

  it('agrees with the sums of group_hourly over the same whole hours', async () => {
    const { rows } = await sql<Record<string, number>>`
      SELECT sum(cycles_started)::int AS started, sum(with_human_reply)::int AS replied, sum(resolved)::int AS resolved,
             sum(queued)::int AS queued, sum(queue_sum_seconds)::float8 AS queue_sum, sum(handled)::int AS handled,
             sum(handle_sum_seconds)::float8 AS handle_sum, sum(sla_hit)::int AS sla_hit, sum(sla_missed)::int AS sla_missed
        FROM metrics.group_hourly WHERE organization_id = ${ORG} AND hour >= '2026-03-03T23:00:00Z' AND hour < '2026-03-04T23:00:00Z'`.execute(
      db,
    );
    const hourly = rows[0]!;
    expect(hourly).toEqual({
      started: 8,
      replied: 4,
      resolved: 4,
      queued: 5,
      queue_sum: 135,
      handled: 5,
      handle_sum: 6945,
      sla_hit: 9,
      sla_missed: 6,
    });
    expect(calendar.chats.started).toBe(hourly.started);
    expect(calendar.queue.average_seconds * calendar.queue.count).toBeCloseTo(hourly.queue_sum!, 9);
    expect(calendar.handle.average_seconds * calendar.handle.count).toBeCloseTo(hourly.handle_sum!, 9);
    expect(calendar.sla.overall.hit).toBe(hourly.sla_hit);
  });
});

describe('GET /reports/agents', () => {
  it("gives each agent's time and chat figures on March 4th, open intervals counted up to now", async () => {
    const { status, body } = await report(`agents?${MARCH_4}`);
    expect(status).toBe(200);
    expect(body.agents.map((a: Json) => a.agent_id)).toEqual(['alice', 'bob', 'carol']); // the bot is not an agent of these figures
    const [alice, bob, carol] = body.agents.map((a: Json) => a.figures);
    expect(alice).toEqual({
      accepting_seconds: 10_500, // 07:00–08:50 and 08:55–10:00
      not_accepting_seconds: 300,
      offline_seconds: 75_600, // 00:00–08:00 and 11:00–24:00 local, from the interval of March 3rd and the one ended March 5th
      chatting_seconds: 205, // A1 70 s before the transfer, D 135 s
      idle_seconds: 10_295,
      average_concurrency: 1,
      chats_handled: 2,
      first_responses: 1,
      first_response_average_seconds: 40,
      responses: 2,
      response_average_seconds: 25,
      handled_to_end: 1,
      handle_average_seconds: 135,
      csat_ratings: 0,
      csat_percent: null,
      csat_average_score: null,
      ces_answers: 0,
      ces_average: null,
      ces_1: 0,
      ces_2: 0,
      ces_3: 0,
      ces_4: 0,
      ces_5: 0,
      ces_6: 0,
      ces_7: 0,
      transfers_in: 0,
      transfers_out: 1,
      missed_assigned: 1,
      sla_missed: 1,
    });
    expect(bob).toEqual({
      accepting_seconds: 54_000, // from 08:00Z to the end of the day, still open
      not_accepting_seconds: 0,
      offline_seconds: 0,
      chatting_seconds: 560, // A1 200 s after the transfer, A2 360 s
      idle_seconds: 53_440,
      average_concurrency: 1,
      chats_handled: 2,
      first_responses: 1,
      first_response_average_seconds: 110,
      responses: 2,
      response_average_seconds: 65,
      handled_to_end: 2,
      handle_average_seconds: 315,
      csat_ratings: 1,
      csat_percent: 100,
      csat_average_score: 5,
      ces_answers: 1, // A2's
      ces_average: 6,
      ces_1: 0,
      ces_2: 0,
      ces_3: 0,
      ces_4: 0,
      ces_5: 0,
      ces_6: 1,
      ces_7: 0,
      transfers_in: 1,
      transfers_out: 0,
      missed_assigned: 0,
      sla_missed: 1,
    });
    expect(carol).toMatchObject({
      accepting_seconds: 6400,
      offline_seconds: 53_000, // since 08:16:40Z, still open
      chatting_seconds: 6080, // F and B overlap 100 s
      idle_seconds: 320,
      chats_handled: 2,
      first_response_average_seconds: 2867.5,
      handle_average_seconds: 3090,
      csat_ratings: 1,
      csat_percent: 0,
      csat_average_score: 2,
      sla_missed: 1,
    });
    expect(carol.average_concurrency).toBeCloseTo(6180 / 6080, 12);
  });

  it('matches agent_daily for a day whose intervals and chats are all finished (alice)', async () => {
    const { body } = await report(`agents?${MARCH_4}`);
    const alice = body.agents.find((a: Json) => a.agent_id === 'alice').figures;
    const row = await db
      .selectFrom('metrics.agent_daily')
      .selectAll()
      .where('agent_id', '=', 'alice')
      .where(sql`day`, '=', '2026-03-04')
      .executeTakeFirstOrThrow();
    expect(alice).toMatchObject({
      accepting_seconds: row.accepting_seconds,
      not_accepting_seconds: row.not_accepting_seconds,
      offline_seconds: row.offline_seconds,
      chatting_seconds: row.chatting_seconds,
      idle_seconds: row.idle_seconds,
      average_concurrency: row.average_concurrency,
      chats_handled: row.chats_handled,
      transfers_out: row.transfers_out,
      missed_assigned: row.missed_assigned,
      sla_missed: row.sla_missed,
      first_response_average_seconds: row.first_response_sum_seconds / row.first_responses,
      handle_average_seconds: row.handle_sum_seconds / row.handled_to_end,
    });
    // bob's interval is still open: agent_daily leaves it out, the report does not.
    const bobRow = await db
      .selectFrom('metrics.agent_daily')
      .selectAll()
      .where('agent_id', '=', 'bob')
      .where(sql`day`, '=', '2026-03-04')
      .executeTakeFirstOrThrow();
    expect(bobRow.accepting_seconds).toBe(0);
  });

  it('averages in business seconds with time=business (carol: F inside opening hours)', async () => {
    const { body } = await report(`agents?${MARCH_4}&time=business`);
    const carol = body.agents.find((a: Json) => a.agent_id === 'carol').figures;
    expect(carol).toMatchObject({
      first_response_average_seconds: 170,
      response_average_seconds: 170,
      handle_average_seconds: 420,
      accepting_seconds: 6400,
    });
  });

  it('counts what is still open only up to now, however far the period goes', async () => {
    const { body } = await report('agents?from=2026-03-04T23:00:00Z&to=2026-03-06T00:00:00Z');
    const figures = Object.fromEntries(body.agents.map((a: Json) => [a.agent_id, a.figures]));
    expect(figures.alice).toMatchObject({
      offline_seconds: 32_400,
      accepting_seconds: 14_400,
      chatting_seconds: 0,
      idle_seconds: 14_400,
    });
    // bob has held H since 10:00Z; its customer wrote at 09:59:10Z, bob answered at 10:00:30Z.
    expect(figures.bob).toMatchObject({
      accepting_seconds: 46_800,
      chatting_seconds: 7200,
      idle_seconds: 39_600,
      average_concurrency: 1,
      chats_handled: 1,
      first_responses: 1,
      first_response_average_seconds: 80,
    });
    expect(figures.carol).toMatchObject({ offline_seconds: 46_800, accepting_seconds: 0, chats_handled: 0 });
  });

  it("keeps a group's chats and the agents who had them, their time whole", async () => {
    const { body } = await report(`agents?${MARCH_4}&group_id=g2`);
    expect(body.agents.map((a: Json) => a.agent_id)).toEqual(['carol']);
    expect(body.agents[0].figures).toMatchObject({
      chats_handled: 1,
      first_responses: 1,
      first_response_average_seconds: 5695,
      csat_ratings: 0,
      sla_missed: 1,
      accepting_seconds: 6400,
      chatting_seconds: 6080,
    });
  });
});

describe('GET /reports/daily', () => {
  let summary: Json;

  beforeAll(async () => {
    const { status, body } = await report('daily');
    expect(status).toBe(200);
    summary = body;
  });

  it("is yesterday in the organization's zone by default, compared with the 7 days before", () => {
    expect(summary).toMatchObject({
      organization_id: ORG,
      date: '2026-03-04',
      time_zone: 'Europe/Warsaw',
      from: '2026-03-03T23:00:00.000Z',
      to: '2026-03-04T23:00:00.000Z',
      compared_with: { from: '2026-02-24T23:00:00.000Z', to: '2026-03-03T23:00:00.000Z', days: 7 },
    });
    expect(summary.agents.map((a: Json) => a.agent_id)).toEqual(['alice', 'bob', 'carol']);
    expect(summary.teams.map((t: Json) => t.group_id)).toEqual(['g1', 'g2']);
  });

  it("compares each agent's day with the mean of the days before (alice worked on March 3rd only)", () => {
    const alice = summary.agents[0].figures;
    expect(alice.accepting_seconds.day).toBe(10_500);
    expect(alice.accepting_seconds.mean_7_days).toBeCloseTo(3600 / 7, 9);
    expect(alice.offline_seconds).toEqual({ day: 75_600, mean_7_days: 7200 }); // 14 h on March 3rd, over 7 days
    expect(alice.chats_handled.mean_7_days).toBeCloseTo(1 / 7, 12);
    expect(alice.first_response_average_seconds).toEqual({ day: 40, mean_7_days: 30 });
    expect(alice.handle_average_seconds).toEqual({ day: 135, mean_7_days: 600 });
    expect(alice.csat_percent).toEqual({ day: null, mean_7_days: 100 });
    expect(alice.average_concurrency).toEqual({ day: 1, mean_7_days: 1 });
    expect(alice.sla_missed).toEqual({ day: 1, mean_7_days: 0 });
    // bob's day has his open interval (agent_daily has 0 for it); nothing before.
    expect(summary.agents[1].figures.accepting_seconds).toEqual({ day: 54_000, mean_7_days: 0 });
    expect(summary.agents[1].figures.first_response_average_seconds).toEqual({ day: 110, mean_7_days: null });
  });

  it('compares each team (group) by the cycles started each day', () => {
    const g1 = summary.teams[0].figures;
    expect(g1.chats_started.day).toBe(7);
    expect(g1.chats_started.mean_7_days).toBeCloseTo(1 / 7, 12);
    expect(g1.missed).toMatchObject({ day: 3, mean_7_days: 0 });
    expect(g1.missed_left_in_queue.day).toBe(1);
    expect(g1.still_open.day).toBe(1);
    expect(g1.queue_average_seconds).toEqual({ day: 20, mean_7_days: 10 });
    expect(g1.first_response_average_seconds.day).toBeCloseTo(190 / 3, 9);
    expect(g1.first_response_average_seconds.mean_7_days).toBe(30);
    expect(g1.response_average_seconds).toEqual({ day: 44, mean_7_days: 30 });
    expect(g1.handle_average_seconds).toEqual({ day: 251.25, mean_7_days: 600 });
    expect(g1.resolution_average_seconds.day).toBeCloseTo(1000 / 3, 9);
    expect(g1.resolution_average_seconds.mean_7_days).toBe(615);
    expect(g1.csat_percent).toEqual({ day: 50, mean_7_days: 100 });
    expect(g1.nps).toEqual({ day: 0, mean_7_days: null });
    expect(g1.ces_average).toEqual({ day: 4.5, mean_7_days: null });
    expect([g1.ces_answers, g1.ces_3, g1.ces_6, g1.ces_7]).toEqual([
      { day: 2, mean_7_days: 0 },
      { day: 1, mean_7_days: 0 },
      { day: 1, mean_7_days: 0 },
      { day: 0, mean_7_days: 0 },
    ]);
    expect(g1.sla_percent.day).toBeCloseTo(700 / 12, 9);
    expect(g1.sla_percent.mean_7_days).toBe(100);
    expect(g1.conversion_rate).toEqual({ day: 0.5, mean_7_days: 0 });
    const g2 = summary.teams[1].figures;
    expect(g2).toMatchObject({
      chats_started: { day: 1, mean_7_days: 0 },
      first_response_average_seconds: { day: 5695, mean_7_days: null },
      nps: { day: 100, mean_7_days: null },
    });
    expect(g2.sla_percent.day).toBeCloseTo(200 / 3, 9);
  });

  it('lists the chats that missed their SLA that day, in the order of the breaches', () => {
    const view = summary.sla_misses.map((m: Json) => [
      m.conversation_id,
      m.cycle,
      m.target,
      m.due_at,
      m.breached_at,
      m.breach_seconds,
      m.agent_id,
    ]);
    expect(view).toEqual([
      ['chat-f', 1, 'first_response', at(120).toISOString(), at(120).toISOString(), 180, 'carol'],
      ['chat-c', 1, 'queue', at(1250).toISOString(), at(1250).toISOString(), 50, null],
      ['chat-c', 1, 'first_response', at(1265).toISOString(), at(1265).toISOString(), 35, null],
      ['chat-d', 1, 'first_response', at(1865).toISOString(), at(1865).toISOString(), 85, 'alice'],
      ['chat-a', 2, 'first_response', at(3670).toISOString(), at(3670).toISOString(), 50, 'bob'],
      // Still open: the breach grows until someone takes the chat.
      ['chat-g', 1, 'queue', at(7050).toISOString(), at(7050).toISOString(), null, null],
    ]);
    expect(summary.sla_misses[0]).toMatchObject({
      group_id: 'g2',
      policy_id: 'business-hours',
      target_seconds: 120,
      business: true,
    });
    expect(summary.sla_misses[1]).toMatchObject({
      group_id: 'g1',
      policy_id: 'default',
      target_seconds: 45,
      business: false,
    });
  });

  it('takes another date; a day with nothing to compare with has no mean of ratios', async () => {
    const { body } = await report('daily?date=2026-03-03');
    expect(body).toMatchObject({ date: '2026-03-03', from: '2026-03-02T23:00:00.000Z', sla_misses: [] });
    expect(body.agents.map((a: Json) => a.agent_id)).toEqual(['alice']);
    expect(body.agents[0].figures.first_response_average_seconds).toEqual({ day: 30, mean_7_days: null });
    expect(body.agents[0].figures.accepting_seconds).toEqual({ day: 3600, mean_7_days: 0 });
  });

  it('exports CSV with format=csv and with Accept: text/csv, which parses back to the same figures', async () => {
    const byFormat = await report('daily?format=csv');
    const byAccept = await report('daily', { accept: 'text/csv' });
    for (const answer of [byFormat, byAccept]) {
      expect(answer.status).toBe(200);
      expect(answer.response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(answer.response.headers.get('content-disposition')).toBe(
        'attachment; filename="livedesk-daily-2026-03-04.csv"',
      );
    }
    expect(byAccept.body.text).toBe(byFormat.body.text);
    const rows: Record<string, string>[] = parse(byFormat.body.text, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual([...DAILY_CSV_COLUMNS]);
    // 3 agents × 29 figures, 2 teams × 29 figures (CES, its mean and 7 counts, among them), 6 SLA misses.
    expect(rows).toHaveLength(151);
    const row = (section: string, subject: string, figure: string) =>
      rows.find(
        (r) => r.section === section && (r.agent_id === subject || r.group_id === subject) && r.figure === figure,
      );
    expect(row('agent', 'alice', 'offline_seconds')).toMatchObject({
      date: '2026-03-04',
      day: '75600',
      mean_7_days: '7200',
      conversation_id: '',
    });
    expect(Number(row('agent', 'alice', 'accepting_seconds')!.mean_7_days)).toBeCloseTo(3600 / 7, 9);
    expect(row('agent', 'alice', 'csat_percent')).toMatchObject({ day: '', mean_7_days: '100' });
    expect(row('team', 'g1', 'handle_average_seconds')).toMatchObject({
      day: '251.25',
      mean_7_days: '600',
      agent_id: '',
    });
    expect(row('team', 'g1', 'ces_average')).toMatchObject({ day: '4.5', mean_7_days: '' });
    expect(row('agent', 'bob', 'ces_6')).toMatchObject({ day: '1', mean_7_days: '0' });
    const misses = rows.filter((r) => r.section === 'sla_miss');
    expect(misses.map((r) => [r.conversation_id, r.cycle, r.target, r.breach_seconds, r.agent_id, r.business])).toEqual(
      [
        ['chat-f', '1', 'first_response', '180', 'carol', 'true'],
        ['chat-c', '1', 'queue', '50', '', 'false'],
        ['chat-c', '1', 'first_response', '35', '', 'false'],
        ['chat-d', '1', 'first_response', '85', 'alice', 'false'],
        ['chat-a', '2', 'first_response', '50', 'bob', 'false'],
        ['chat-g', '1', 'queue', '', '', 'false'],
      ],
    );
    expect(misses[0]).toMatchObject({ due_at: at(120).toISOString(), target_seconds: '120', group_id: 'g2' });
  });

  it('answers JSON when asked for it, whatever Accept says', async () => {
    const { response, body } = await report('daily?format=json', { accept: 'text/csv' });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(body.date).toBe('2026-03-04');
  });
});

describe('GET /reports/staffing', () => {
  let staffing: Json;
  const hour = (body: Json, day: string, h: number) => body.hours.find((x: Json) => x.day === day && x.hour === h);

  beforeAll(async () => {
    const { status, body } = await report('staffing');
    expect(status).toBe(200);
    staffing = body;
  });

  it('observes the 4 whole weeks before today, in local hours of the week', () => {
    expect(staffing).toMatchObject({
      time_zone: 'Europe/Warsaw',
      from: '2026-02-04T23:00:00.000Z',
      to: '2026-03-04T23:00:00.000Z',
      weeks: 4,
      concurrency: 3,
      service_level: 0.8,
      policy_id: 'default',
      queue_target_seconds: 45,
    });
    expect(staffing.hours).toHaveLength(168);
    expect(staffing.hours.every((h: Json) => h.observed_hours === 4)).toBe(true);
    // A1 270, A2 360, B 240, D 135, F 5940, I 600 (H is today, outside the window).
    expect(staffing.average_handle_seconds).toBeCloseTo(7545 / 6, 9);
  });

  it('sizes each hour by Erlang C over chat slots, next to the agents who were accepting', () => {
    // Wednesday 09:00–10:00 local: A1, B, C, D, E entered the queue over 4 Wednesdays; handle A1 270, B 240, D 135.
    const wed9 = hour(staffing, 'wed', 9);
    expect(wed9).toMatchObject({
      arrivals: 5,
      arrival_rate_per_hour: 1.25,
      average_handle_seconds: 215,
      chat_slots_needed: 1,
      agents_needed: 1,
    });
    expect(wed9.traffic_erlangs).toBeCloseTo((1.25 * 215) / 3600, 12);
    // Accepting then: alice 3300 s, bob 3600 s, carol 1000 s, over 4 hours observed.
    expect(wed9.agents_accepting).toBeCloseTo(7900 / 14_400, 12);
    // Wednesday 07:00: F alone, 5940 s: 0.4125 erlangs. One slot serves 58.9 % in 45 s, two 93.0 %.
    const wed7 = hour(staffing, 'wed', 7);
    expect(wed7).toMatchObject({
      arrivals: 1,
      arrival_rate_per_hour: 0.25,
      average_handle_seconds: 5940,
      chat_slots_needed: 2,
      agents_needed: 1,
      agents_accepting: 0.125,
    });
    expect(wed7.traffic_erlangs).toBeCloseTo(0.4125, 12);
    // Wednesday 10:00: A2 (360 s) and G (still waiting, no handle time).
    expect(hour(staffing, 'wed', 10)).toMatchObject({
      arrivals: 2,
      arrival_rate_per_hour: 0.5,
      average_handle_seconds: 360,
      agents_needed: 1,
      agents_accepting: 0.5,
    });
    expect(hour(staffing, 'tue', 9)).toMatchObject({
      arrivals: 1,
      average_handle_seconds: 600,
      agents_needed: 1,
      agents_accepting: 0.25,
    });
    // No chats: no one needed, even with agents accepting (alice and carol 08:00–09:00, bob every evening hour).
    expect(hour(staffing, 'wed', 8)).toMatchObject({ arrivals: 0, agents_needed: 0, agents_accepting: 0.5 });
    expect(hour(staffing, 'wed', 20)).toMatchObject({ arrivals: 0, agents_needed: 0, agents_accepting: 0.25 });
    expect(hour(staffing, 'mon', 9)).toMatchObject({ arrivals: 0, agents_needed: 0, agents_accepting: 0 });
  });

  it('needs more agents when each takes fewer chats at once', async () => {
    const { body } = await report('staffing?concurrency=1');
    expect(hour(body, 'wed', 7)).toMatchObject({ chat_slots_needed: 2, agents_needed: 2 });
  });

  it("takes a group's policy queue target, its chats and the agents who took them", async () => {
    const { body } = await report('staffing?group_id=g2&concurrency=1&service_level=0.9');
    expect(body).toMatchObject({
      group_id: 'g2',
      policy_id: 'business-hours',
      queue_target_seconds: 60,
      service_level: 0.9,
      average_handle_seconds: 5940,
    });
    // 0.4125 erlangs, 60 s target: two slots serve 93.06 %.
    expect(hour(body, 'wed', 7)).toMatchObject({
      arrivals: 1,
      chat_slots_needed: 2,
      agents_needed: 2,
      agents_accepting: 0.125,
    });
    expect(hour(body, 'wed', 8).agents_accepting).toBe(0.25);
    expect(hour(body, 'wed', 9).agents_accepting).toBeCloseTo(1000 / 14_400, 12);
    expect(hour(body, 'wed', 9).arrivals).toBe(0);
  });
});

describe('GET /v1/openapi.json', () => {
  it('documents the reports with their parameters and the CSV export', async () => {
    const response = await fetch(`${api.url}/v1/openapi.json`);
    const document = (await response.json()) as Json;
    const base = '/v1/organizations/{organization_id}/reports';
    for (const name of ['overview', 'agents', 'daily', 'staffing'])
      expect(document.paths[`${base}/${name}`]?.get).toBeDefined();
    const parameters = (name: string) => document.paths[`${base}/${name}`].get.parameters.map((p: Json) => p.name);
    expect(parameters('overview')).toEqual(['organization_id', 'from', 'to', 'group_id', 'time', 'agent_id']);
    expect(parameters('staffing')).toEqual(['organization_id', 'weeks', 'group_id', 'concurrency', 'service_level']);
    const daily = document.paths[`${base}/daily`].get.responses['200'].content;
    expect(Object.keys(daily)).toEqual(['application/json', 'text/csv']);
    expect(daily['application/json'].schema).toEqual({ $ref: '#/components/schemas/DailySummary' });
    expect(document.components.schemas.DailySummary.properties.sla_misses).toBeDefined();
    expect(document.paths[`${base}/overview`].get.responses['403']).toBeDefined();
  });
});
