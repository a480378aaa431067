import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { applyEventBatch, pgPoolOf, type NewEvent } from '@livedesk/event-store';
import { copyRowsWith, type InsertRows } from './copy-rows.js';
import { flushDerived } from './derived-tables.js';
import { METRICS_CONSUMER, MetricsProjector, type PreparedFlush } from './metrics-projector.js';
import type { MetricsDatabase, MetricsTables } from './metrics-tables.js';
import { rebuildMetrics } from './rebuild-metrics.js';
import { metricsSnapshot } from './testing/metrics-snapshot.js';
import { metricsTestDatabase, type MetricsTestDatabase } from './testing/metrics-test-database.js';
import { wholeLog } from './testing/whole-log.js';
import { insertRows } from './write-rows.js';
import { at, event, T0 as t0 } from './testing/new-events.js';

/** Texts that COPY's text format (and an array literal inside it) must escape; no NUL (refused upstream). */
const NASTY = [
  'tab\there',
  'line\nbreak',
  'cr\r\nlf',
  'back\\slash',
  '\\N',
  '\\t not a tab',
  '"quoted"',
  "it's",
  'comma, {braces} and "both"',
  'NULL',
  '',
  '  spaces around  ',
  'é🙂漢字 עברית \u2028 \u001f',
  'ends with a backslash \\',
] as const;

let fixture: MetricsTestDatabase | undefined;
let db: Kysely<MetricsDatabase>;

beforeAll(async () => {
  fixture = await metricsTestDatabase(3);
  db = fixture.db;
});
afterAll(async () => {
  await fixture?.close();
});

async function rowsOf(table: keyof MetricsTables): Promise<unknown[]> {
  const { rows } = await sql<{
    row: unknown;
  }>`SELECT to_jsonb(t) AS row FROM ${sql.raw(table)} t ORDER BY to_jsonb(t)::text`.execute(db);
  return rows.map((row) => row.row);
}

/** Writes the rows with COPY in one format in one transaction, reads them back, and empties the table. */
async function throughCopyAs(
  table: keyof MetricsTables,
  rows: readonly object[],
  format: 'binary' | 'text',
): Promise<unknown[]> {
  const client = await pgPoolOf(db)!.connect();
  try {
    await client.query('BEGIN');
    await copyRowsWith(client, format)(table, rows);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  const stored = await rowsOf(table);
  await sql`TRUNCATE ${sql.raw(table)}`.execute(db);
  return stored;
}

/** The rows through COPY in the binary format, checked to store what the text format stores. */
async function throughCopy(table: keyof MetricsTables, rows: readonly object[]): Promise<unknown[]> {
  const binary = await throughCopyAs(table, rows, 'binary');
  expect(binary).toEqual(await throughCopyAs(table, rows, 'text'));
  return binary;
}

async function throughInsert(table: keyof MetricsTables, rows: readonly object[]): Promise<unknown[]> {
  await db.transaction().execute((trx) => insertRows(trx, table, rows));
  const stored = await rowsOf(table);
  await sql`TRUNCATE ${sql.raw(table)}`.execute(db);
  return stored;
}

describe('COPY of rows (copy-rows.ts)', () => {
  it('stores texts, arrays and JSON with tabs, newlines, backslashes, quotes and unicode as given', async () => {
    const agents = NASTY.map((text, i) => ({
      organization_id: `org ${text}`,
      agent_id: `a${i}`,
      name: text,
      display_name: i % 3 === 0 ? null : `${text}!`,
      role: 'agent',
      kind: 'human',
      group_ids: [text, 'NULL', '', ...NASTY.slice(0, i)],
      disabled: i % 2 === 0,
      updated_at: at(i),
    }));
    const stored = await throughCopy('metrics.agents', agents);
    expect(stored).toHaveLength(NASTY.length);
    for (const agent of agents) {
      const row = stored.find((r) => (r as { agent_id: string }).agent_id === agent.agent_id);
      const { updated_at, ...texts } = agent;
      expect(row).toEqual({ ...texts, updated_at: expect.any(String) });
      expect(Date.parse((row as { updated_at: string }).updated_at)).toBe(updated_at.getTime());
    }
    expect(stored).toEqual(await throughInsert('metrics.agents', agents));
  });

  it('writes what json_populate_recordset writes: JSON columns, nulls, missing keys, numbers, dates', async () => {
    const policies = NASTY.map((text, i) => ({
      organization_id: 'org',
      policy_id: `p${i}`,
      version: i + 1,
      effective_from: at(i),
      removed: i === 1,
      name: i === 2 ? null : text,
      position: i === 3 ? undefined : i,
      match: i === 4 ? null : { group_ids: [text], channels: ['chat'], note: { text, list: [text, null, 1.5] } },
      targets: [{ target: text, seconds: 30 }],
      calendar: i === 5 ? undefined : text,
      recorded_at: new Date(t0 + i * 1000 + 123),
    }));
    const stored = await throughCopy('metrics.sla_policies', policies);
    expect(stored).toEqual(await throughInsert('metrics.sla_policies', policies));
    expect(stored.find((row) => (row as { policy_id: string }).policy_id === 'p0')).toMatchObject({
      name: NASTY[0],
      match: { group_ids: [NASTY[0]], note: { text: NASTY[0], list: [NASTY[0], null, 1.5] } },
      calendar: NASTY[0],
    });

    const days = [
      { average_concurrency: Number.NaN, ces_distribution: [1, 0, 2, 0, 0, 0, 3] },
      { average_concurrency: Number.POSITIVE_INFINITY, ces_distribution: [0, 0, 0, 0, 0, 0, 0] },
      { average_concurrency: 0.1 + 0.2, ces_distribution: [0, 0, 0, 0, 0, 0, 1] },
      { average_concurrency: 1e-7, ces_distribution: [0, 0, 0, 0, 0, 0, 1] },
    ].map((figures, i) => ({
      organization_id: 'org',
      agent_id: `a${i}`,
      day: '2026-03-02',
      time_zone: 'Europe/Warsaw',
      accepting_seconds: 3600.25,
      not_accepting_seconds: 0,
      offline_seconds: 1e21,
      chatting_seconds: 12.345678901234567,
      idle_seconds: -0,
      chats_handled: 3,
      first_responses: 2,
      first_response_sum_seconds: 1 / 3,
      first_response_sum_business_seconds: 0,
      responses: 4,
      response_sum_seconds: 9,
      response_sum_business_seconds: 9,
      handled_to_end: 1,
      handle_sum_seconds: 1,
      handle_sum_business_seconds: 1,
      csat_ratings: 0,
      csat_good: 0,
      csat_sum: 0,
      transfers_in: 0,
      transfers_out: 0,
      missed_assigned: 0,
      sla_missed: 0,
      ces_answers: 0,
      ces_sum: 0,
      ...figures,
    }));
    const storedDays = await throughCopy('metrics.agent_daily', days);
    expect(storedDays).toEqual(await throughInsert('metrics.agent_daily', days));
    expect(storedDays.map((row) => (row as { average_concurrency: unknown }).average_concurrency)).toEqual(
      expect.arrayContaining([null, null, 0.30000000000000004, 1e-7]),
    );
  });
});

describe('COPY in the binary format (copy-binary.ts)', () => {
  const agent = (i: number, fields: object) => ({
    organization_id: 'org',
    agent_id: `a${i}`,
    name: `agent ${i}`,
    display_name: null,
    role: 'agent',
    kind: 'human',
    group_ids: [],
    disabled: false,
    updated_at: at(i),
    ...fields,
  });

  it('stores every instant of years 1 to 9999 to the millisecond, as the text format does', async () => {
    const first = Date.parse('0001-01-01T00:00:00.000Z');
    const last = Date.parse('9999-12-31T23:59:59.999Z');
    const edges = [
      first,
      last,
      0,
      -1,
      1,
      Date.parse('2000-01-01T00:00:00.000Z'),
      Date.parse('1999-12-31T23:59:59.999Z'),
    ];
    const instants = [
      ...edges,
      ...Array.from({ length: 2000 }, () => first + Math.floor(Math.random() * (last - first))),
    ];
    const agents = instants.map((ms, i) => agent(i, { updated_at: new Date(ms) }));
    const client = await pgPoolOf(db)!.connect();
    try {
      await client.query('BEGIN');
      await copyRowsWith(client, 'binary')('metrics.agents', agents);
      const { rows } = await client.query<{ agent_id: string; ms: number }>(
        `SELECT agent_id, (extract(epoch FROM updated_at) * 1000)::float8 AS ms FROM metrics.agents`,
      );
      expect(new Map(rows.map((row) => [row.agent_id, row.ms]))).toEqual(
        new Map(instants.map((ms, i) => [`a${i}`, ms])),
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await throughCopy('metrics.agents', agents)).toHaveLength(instants.length);
  });

  it('falls back to the text format for values it cannot write as the text format would, storing the same', async () => {
    const rating = (i: number, fields: object) => ({
      organization_id: 'org',
      conversation_id: `c${i}`,
      cycle: 1,
      kind: 'csat',
      channel: 'chat',
      group_id: 'g',
      agent_id: null,
      score: 4,
      comment: null,
      rated_at: at(i),
      ...fields,
    });
    // A string in a number column: Postgres parses it from the text.
    expect(await throughCopy('metrics.ratings', [rating(1, {}), rating(2, { score: '5' })])).toEqual(
      await throughInsert('metrics.ratings', [rating(1, {}), rating(2, { score: '5' })]),
    );
    // Arrays with NULLs, numbers and empty texts, and an empty one, go in binary: stored as the insert path stores them.
    const agents = [
      agent(1, { group_ids: ['a', null, '', 7, 'b'] }),
      agent(2, { group_ids: [] }),
      agent(3, { group_ids: [undefined] }),
    ];
    expect(await throughCopy('metrics.agents', agents)).toEqual(await throughInsert('metrics.agents', agents));
    // What Postgres refuses in the text format it refuses whatever the format: a fraction in an integer column.
    await expect(throughCopyAs('metrics.ratings', [rating(3, { score: 4.5 })], 'binary')).rejects.toThrow(
      /invalid input syntax for type smallint/,
    );
    await expect(throughCopyAs('metrics.ratings', [rating(4, { score: 40_000 })], 'binary')).rejects.toThrow(
      /out of range/,
    );
  });
});

describe('a rebuild with COPY', () => {
  // Ids stay plain: the derived tables' dirty keys join ids with U+001F (derived-keys.ts).
  const ORG = 'org-nasty';
  const customer = { kind: 'customer', id: 'cust' } as const;

  function chat(id: string, start: number, i: number): NewEvent[] {
    const text = NASTY[i]!;
    return [
      event(start, {
        type: 'ConversationStarted',
        data: { conversation_id: id, channel: 'chat', group_id: `g-${i}`, customer_id: 'cust' },
      }),
      event(start + 1, {
        type: 'MessagePosted',
        data: { message_id: `m${start}`, author: customer, text, attachments: [] },
      }),
      event(start + 2, { type: 'ConversationQueued', data: { group_id: `g-${i}` } }),
      event(start + 5, {
        type: 'AgentAssigned',
        data: { agent_id: `agent-${i}`, agent_kind: 'human', by: 'routing' },
      }),
      event(start + 9, {
        type: 'MessagePosted',
        data: { message_id: `r${start}`, author: { kind: 'agent', id: `agent-${i}` }, text, attachments: [] },
      }),
      event(start + 10, { type: 'TagAdded', data: { tag: text === '' ? 'empty' : text } }),
      event(start + 11, { type: 'GoalReported', data: { goal: text === '' ? 'none' : text, value: 9.99 } }),
      event(start + 20, { type: 'ConversationResolved', data: { by: { kind: 'agent', id: `agent-${i}` } } }),
      event(start + 30, { type: 'ConversationRated', data: { score: 4, comment: text } }),
    ];
  }

  it('writes exactly the rows the live projection writes for the same log, however the writes are cut', async () => {
    const store = fixture!.store;
    await store.appendToStream(
      `organization-${ORG}`,
      [
        event(-100, {
          type: 'OrganizationCreated',
          data: { organization_id: ORG, name: NASTY.join(' | '), time_zone: 'Europe/Warsaw' },
        }),
        ...NASTY.map((text, i) =>
          event(-90 + i, { type: 'GroupSaved', data: { group_id: `g-${i}`, name: text, routing: 'auto' } }),
        ),
        ...NASTY.map((text, i) =>
          event(-50 + i, {
            type: 'AgentSaved',
            data: {
              agent_id: `agent-${i}`,
              name: text,
              display_name: text === '' ? null : `“${text}”`,
              role: 'agent',
              kind: 'human',
              group_ids: [`g-${i}`, 'NULL'],
              disabled: false,
            },
          }),
        ),
      ],
      'no_stream',
      { organizationId: ORG },
    );
    for (const i of NASTY.keys()) {
      const events = chat(`chat-${i}`, i * 100, i);
      // Written in two commits, so that a cut between flushes can fall inside a conversation.
      await store.appendToStream(`conversation-chat-${i}`, events.slice(0, 4), 'no_stream', { organizationId: ORG });
      await store.appendToStream(`conversation-chat-${i}`, events.slice(4), 'any', { organizationId: ORG });
    }
    const log = await wholeLog(db);
    const projector = new MetricsProjector();
    for (let i = 0; i < log.length; i += 7) {
      const [outcome] = await applyEventBatch(db, METRICS_CONSUMER, log.slice(i, i + 7), (events, trx) =>
        projector.apply(events, trx),
      );
      expect(outcome).toBe('applied');
    }
    await db.transaction().execute((trx) => flushDerived(trx));
    const live = await metricsSnapshot(db);
    expect(live['metrics.ratings']).toHaveLength(NASTY.length);
    expect(live['metrics.conversation_tags']).toHaveLength(NASTY.length);
    expect(live['metrics.agents']).toHaveLength(NASTY.length);
    expect(live['metrics.responses']!.length).toBeGreaterThanOrEqual(NASTY.length);

    for (const [batchSize, flushEvery] of [
      [5, 5],
      [13, 40],
      [1000, 100_000],
    ] as const) {
      // The projector as the rebuild uses it, noting whether each write was given COPY.
      const rebuilding = new MetricsProjector();
      const copied: boolean[] = [];
      const observed = {
        fold: rebuilding.fold.bind(rebuilding),
        flushed: rebuilding.flushed.bind(rebuilding),
        reset: rebuilding.reset.bind(rebuilding),
        prepareFlushes: (count: number): PreparedFlush[] =>
          rebuilding.prepareFlushes(count).map((flush) => ({
            ...flush,
            write: (trx, copy?: InsertRows) => {
              copied.push(copy !== undefined);
              return flush.write(trx, copy);
            },
          })),
      };
      await rebuildMetrics(db, observed, { batchSize, flushEvery });
      expect(copied.length).toBeGreaterThan(0);
      expect(copied.every(Boolean)).toBe(true);
      expect(await metricsSnapshot(db)).toEqual(live);
    }
    // And the insert path the benchmark compares with.
    await rebuildMetrics(db, new MetricsProjector(), { batchSize: 5, flushEvery: 5, copy: false });
    expect(await metricsSnapshot(db)).toEqual(live);
  });
});
