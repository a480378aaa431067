import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { applyEventBatch, type ApplyOutcome, type EventStore, type NewEvent } from '@livedesk/event-store';
import { buildDeferredIndexes, deferSecondaryIndexes } from './deferred-indexes.js';
import { flushDerived } from './derived-tables.js';
import { METRICS_CONSUMER, MetricsProjector } from './metrics-projector.js';
import type { MetricsDatabase } from './metrics-tables.js';
import { rebuildMetrics } from './rebuild-metrics.js';
import { metricsIndexes, metricsSnapshot } from './testing/metrics-snapshot.js';
import { metricsTestDatabase, type MetricsTestDatabase } from './testing/metrics-test-database.js';
import { wholeLog } from './testing/whole-log.js';
import { event } from './testing/new-events.js';

/** Three organizations of different sizes and time zones. */
const ORGS = [
  { id: 'org-big', zone: 'Europe/Warsaw', chats: 9 },
  { id: 'org-mid', zone: 'America/New_York', chats: 5 },
  { id: 'org-small', zone: 'Asia/Tokyo', chats: 2 },
] as const;

let fixture: MetricsTestDatabase | undefined;
let db: Kysely<MetricsDatabase>;
let store: EventStore;

beforeAll(async () => {
  // Five connections: the reads and the caller's statements, and three writers at the most.
  fixture = await metricsTestDatabase(5);
  db = fixture.db;
  store = fixture.store;
});
afterAll(async () => {
  await fixture?.close();
});

/**
 * A chat of an organization: queued, assigned, answered twice, resolved, rated; every third
 * tagged, every fourth (from the second) reopened. With what a rebuild's read leaves out
 * (REPLAY_SLIM): the page it started on, messages' texts and ids, read receipts (the last event
 * of every other chat), and on every other chat an internal note before the agent's answer.
 */
async function chat(org: string, n: number, at: number): Promise<void> {
  const stream = `conversation-${org}-chat-${n}`;
  const agent = `${org}-agent-${n % 2}`;
  const customer = { kind: 'customer', id: `${org}-cust-${n}` } as const;
  const byAgent = { kind: 'agent', id: agent } as const;
  const message = (s: number, author: { kind: 'customer' | 'agent'; id: string }) =>
    event(s, { type: 'MessagePosted', data: { message_id: `m-${s}`, author, text: 'hi', attachments: [] } });
  const append = (events: NewEvent[]) => store.appendToStream(stream, events, 'any', { organizationId: org });
  await append([
    event(at, {
      type: 'ConversationStarted',
      data: {
        conversation_id: `${org}-chat-${n}`,
        channel: 'chat',
        group_id: 'g1',
        customer_id: customer.id,
        page: { url: `https://${org}.example/pricing` },
      },
    }),
    message(at + 1, customer),
    event(at + 2, { type: 'ConversationQueued', data: { group_id: 'g1' } }),
  ]);
  await append([
    event(at + 20 + n, { type: 'AgentAssigned', data: { agent_id: agent, agent_kind: 'human', by: 'routing' } }),
    ...(n % 2 === 0
      ? [
          event(at + 30 + n, {
            type: 'InternalNotePosted',
            data: { message_id: `note-${n}`, author: byAgent, text: 'checking', attachments: [] },
          }),
        ]
      : []),
    message(at + 40 + n, byAgent),
    event(at + 41 + n, { type: 'MessagesSeen', data: { by: customer, seen_up_to: `m-${at + 40 + n}` } }),
  ]);
  if (n % 3 === 0) await append([event(at + 45, { type: 'TagAdded', data: { tag: 'vip' } })]);
  await append([
    message(at + 60, customer),
    message(at + 75, byAgent),
    event(at + 300, { type: 'ConversationResolved', data: { by: byAgent } }),
    event(at + 310, { type: 'ConversationRated', data: { score: 1 + (n % 5) } }),
  ]);
  if (n % 4 === 1) {
    await append([
      event(at + 600, { type: 'ConversationReopened', data: { by: customer } }),
      message(at + 601, customer),
      event(at + 602, { type: 'ConversationQueued', data: { group_id: 'g1' } }),
      event(at + 630, { type: 'AgentAssigned', data: { agent_id: agent, agent_kind: 'human', by: 'routing' } }),
      message(at + 650, byAgent),
      event(at + 900, { type: 'ConversationResolved', data: { by: byAgent } }),
    ]);
  }
  if (n % 2 === 1) await append([event(at + 1000, { type: 'MessagesSeen', data: { by: byAgent, seen_up_to: 'm-x' } })]);
}

const indexes = () => metricsIndexes(db);

/**
 * Live consumption by a new projector over the whole log, six events a batch, then the derived
 * rows recomputed; answers each event's outcome.
 */
async function consumeWholeLog(): Promise<ApplyOutcome[]> {
  const projector = new MetricsProjector();
  const log = await wholeLog(db);
  const outcomes: ApplyOutcome[] = [];
  for (let i = 0; i < log.length; i += 6) {
    outcomes.push(
      ...(await applyEventBatch(db, METRICS_CONSUMER, log.slice(i, i + 6), (events, trx) =>
        projector.apply(events, trx),
      )),
    );
  }
  await db.transaction().execute((trx) => flushDerived(trx));
  return outcomes;
}

/** The consumer's stored positions, stream → version. */
async function positions(): Promise<Record<string, number>> {
  const { rows } = await sql<{ stream_id: string; stream_version: string }>`
    SELECT stream_id, stream_version FROM event_store.consumer_positions WHERE consumer = ${METRICS_CONSUMER}`.execute(
    db,
  );
  return Object.fromEntries(rows.map((row) => [row.stream_id, Number(row.stream_version)]));
}

describe('rebuildMetrics with its writes split by organization', () => {
  let live: Record<string, unknown[]>;
  let livePositions: Record<string, number>;
  let liveIndexes: Awaited<ReturnType<typeof indexes>>;

  beforeAll(async () => {
    for (const org of ORGS) {
      await store.appendToStream(
        `organization-${org.id}`,
        [
          event(-100, {
            type: 'OrganizationCreated',
            data: { organization_id: org.id, name: org.id, time_zone: org.zone },
          }),
        ],
        'no_stream',
        { organizationId: org.id },
      );
      await store.appendToStream(
        `agent-${org.id}-agent-0`,
        [
          event(-60, {
            type: 'AgentStatusChanged',
            data: { agent_id: `${org.id}-agent-0`, from: 'offline', to: 'accepting', reason: 'agent' },
          }),
        ],
        'no_stream',
        { organizationId: org.id },
      );
    }
    // The organizations' chats interleaved in the log, as a live system writes them.
    for (let n = 0; n < ORGS[0].chats; n++) {
      for (const org of ORGS) if (n < org.chats) await chat(org.id, n, n * 700);
    }
    expect((await consumeWholeLog()).every((outcome) => outcome === 'applied')).toBe(true);
    live = await metricsSnapshot(db);
    livePositions = await positions();
    liveIndexes = await indexes();
    expect(Object.keys(liveIndexes.indexes).length).toBeGreaterThan(40);
    expect(liveIndexes.deferred).toBe(0);
  });

  it('writes the rows and positions live consumption wrote, for one to three writers and any cut', async () => {
    expect(live['metrics.conversation_cycles']).toHaveLength(16 + 4);
    expect(
      new Set(live['metrics.agent_daily']!.map((row) => (row as { organization_id: string }).organization_id)).size,
    ).toBe(3);
    for (const writers of [1, 2, 3]) {
      for (const [batchSize, flushEvery] of [
        [7, 7],
        [5, 40],
        [1000, 100_000],
      ] as const) {
        await rebuildMetrics(db, new MetricsProjector(), { batchSize, flushEvery, writers });
        expect(await metricsSnapshot(db)).toEqual(live);
        expect(await positions()).toEqual(livePositions);
        // The secondary indexes, dropped for the rebuild, are all back as they were.
        expect(await indexes()).toEqual(liveIndexes);
      }
    }
  });

  it('leaves every organization as one flush had it when one part fails, so live consumption goes on from there', async () => {
    // The fourth part written fails: the second flush's second part (two writers, each flush in two parts).
    let parts = 0;
    const failing = rebuildMetrics(db, new MetricsProjector(), {
      batchSize: 10,
      flushEvery: 30,
      writers: 2,
      beforeWrite: async () => {
        parts += 1;
        if (parts === 4) throw new Error('the write connection broke');
      },
    });
    await expect(failing).rejects.toThrow('the write connection broke');
    // The failed rebuild built the indexes it had dropped before it gave up.
    expect(await indexes()).toEqual(liveIndexes);
    const stored = await positions();
    // Some streams are behind: the failed part's organizations are one flush back.
    expect(Object.keys(stored).length).toBeGreaterThan(0);
    expect(stored).not.toEqual(livePositions);

    // Live consumption takes over from the stored positions, over the whole log again.
    await consumeWholeLog();
    expect(await metricsSnapshot(db)).toEqual(live);
    expect(await positions()).toEqual(livePositions);
  });

  it('recomputes the derived rows at the end in parts; a failed part leaves its marks for the next recomputation', async () => {
    // One flush in two parts, the indexes built one by one, then the derived rows in two parts:
    // the second of those fails (the derived rows' transactions are the ones with every index built).
    let derivedParts = 0;
    const failing = rebuildMetrics(db, new MetricsProjector(), {
      batchSize: 1000,
      flushEvery: 100_000,
      writers: 2,
      beforeWrite: async (trx) => {
        const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM metrics.deferred_indexes`.execute(trx);
        if (Number(rows[0]!.n) > 0) return;
        derivedParts += 1;
        if (derivedParts === 2) throw new Error('the write connection broke');
      },
    });
    await expect(failing).rejects.toThrow('the write connection broke');
    expect(derivedParts).toBe(2);
    expect(await positions()).toEqual(livePositions);
    // The first part's rows are written and its marks gone; the second's marks wait.
    const { rows: marks } = await sql<{ key: string }>`SELECT DISTINCT key FROM metrics.projection_dirty`.execute(db);
    expect(marks.length).toBeGreaterThan(0);
    const { rows: days } = await sql<{ n: string }>`SELECT count(*) AS n FROM metrics.agent_daily`.execute(db);
    expect(Number(days[0]!.n)).toBeGreaterThan(0);
    expect(Number(days[0]!.n)).toBeLessThan(live['metrics.agent_daily']!.length);
    // Live consumption's next recomputation takes the marks left.
    await db.transaction().execute((trx) => flushDerived(trx));
    expect(await metricsSnapshot(db)).toEqual(live);
    expect(await indexes()).toEqual(liveIndexes);
  });

  it('leaves a record of every dropped index until it is built, so a rebuild stopped half-way loses none', async () => {
    // A rebuild that stopped after its TRUNCATE (a crash): the indexes are gone, their records stay.
    await db.transaction().execute(async (trx) => {
      expect(await deferSecondaryIndexes(trx)).toBeGreaterThan(20);
    });
    const dropped = await indexes();
    expect(dropped.deferred).toBeGreaterThan(20);
    expect(Object.keys(dropped.indexes)).toHaveLength(Object.keys(liveIndexes.indexes).length - dropped.deferred);
    // A record whose index was built but not yet removed (a crash between the two) is only removed.
    await sql`INSERT INTO metrics.deferred_indexes (name, definition)
              VALUES ('metrics.responses_pkey', 'CREATE UNIQUE INDEX responses_pkey ON metrics.responses (conversation_id)')`.execute(
      db,
    );
    expect(await buildDeferredIndexes([db, db])).toBe(dropped.deferred + 1);
    expect(await indexes()).toEqual(liveIndexes);
    expect(await buildDeferredIndexes([db])).toBe(0);
  });
});
