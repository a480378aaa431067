import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '@livedesk/testing';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { append } from './append.js';
import { EMPTY_METADATA, HELD_BACK_SQL, readAll } from './read-all.js';
import { readStream } from './read-stream.js';
import { createEventStoreFixture, newEvent, type EventStoreFixture } from './test-support.js';
import { START, type GlobalCheckpoint, type RecordedEvent } from './types.js';

let f: EventStoreFixture;
beforeAll(async () => {
  f = await createEventStoreFixture(40);
});
afterAll(() => f.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads the log after `after` until it is caught up: nothing more, nothing held back. Another
 * spec's transaction (another database) that ends between a read's snapshot and its look at the
 * sessions may hold one read back for a moment; never for longer than 5 s.
 */
async function readCaughtUp(
  after: GlobalCheckpoint,
): Promise<{ events: RecordedEvent[]; checkpoint: GlobalCheckpoint }> {
  const events: RecordedEvent[] = [];
  const deadline = Date.now() + 5000;
  for (let checkpoint = after; ; ) {
    const read = await readAll(f.db, { after: checkpoint });
    events.push(...read.events);
    checkpoint = read.checkpoint;
    if (read.events.length === 0 && !read.heldBack) return { events, checkpoint };
    if (Date.now() > deadline) throw new Error(`still held back after 5 s, with ${events.length} events read`);
    if (read.events.length === 0) await sleep(20);
  }
}

describe('readAll', () => {
  it('reads an empty store', async () => {
    const fresh = await readAll(f.db);
    expect(fresh).toEqual({ events: [], checkpoint: START, heldBack: false });
  });

  // The in-flight transaction gap: a writer takes a global position, then commits after
  // writers that took higher positions. A reader following by position would pass it forever.
  it('never skips an event committed after a higher position, with many concurrent writers', async () => {
    const appended = new Set<string>();
    let writing = true;

    const fastWriter = async (w: number) => {
      for (let i = 0; i < 60; i++) {
        const events = [newEvent(), newEvent()].slice(0, 1 + (i % 2));
        await f.store.appendToStream(`conversation-fast-${w}-${i % 7}`, events, 'any', { organizationId: 'org' });
        for (const e of events) appended.add(e.eventId);
        if (i % 10 === 0) await sleep(1);
      }
    };
    // Takes its position first, then holds the transaction open while the fast writers commit.
    const slowWriter = async () => {
      for (let i = 0; i < 5; i++) {
        const event = newEvent();
        await f.db.transaction().execute(async (trx) => {
          await append(trx, `conversation-slow-${i}`, 'org', [event], 'no_stream');
          await sql`SELECT pg_sleep(0.08)`.execute(trx);
        });
        appended.add(event.eventId);
      }
    };

    const seen: RecordedEvent[] = [];
    const follower = (async () => {
      let after = START;
      for (;;) {
        const read = await readAll(f.db, { after, limit: 25 });
        seen.push(...read.events);
        after = read.checkpoint;
        if (read.events.length === 0) {
          if (!writing && !read.heldBack && seen.length >= appended.size) return;
          await sleep(2);
        }
      }
    })();
    // A follower by global position alone, to show the gap really opened in this run.
    const naiveSeen = new Set<string>();
    const naive = (async () => {
      let last = 0;
      while (writing) {
        const { rows } = await sql<{ event_id: string; global_position: string }>`
          SELECT event_id, global_position FROM event_store.events WHERE global_position > ${last}
           ORDER BY global_position LIMIT 25`.execute(f.db);
        for (const row of rows) {
          naiveSeen.add(row.event_id);
          last = Number(row.global_position);
        }
        await sleep(2);
      }
    })();

    await Promise.all([...Array.from({ length: 16 }, (_, w) => fastWriter(w)), slowWriter()]);
    writing = false;
    await Promise.all([follower, naive]);

    const ids = seen.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length); // exactly once
    expect(new Set(ids)).toEqual(appended); // every one
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      const ordered =
        BigInt(a.transactionId) < BigInt(b.transactionId) ||
        (a.transactionId === b.transactionId && a.globalPosition < b.globalPosition);
      expect(ordered).toBe(true); // commit-safe order
    }
    const versions = new Map<string, number>();
    for (const event of seen) {
      expect(event.streamVersion).toBe((versions.get(event.streamId) ?? 0) + 1); // each stream in order
      versions.set(event.streamId, event.streamVersion);
    }
    const missedByNaive = [...appended].filter((id) => !naiveSeen.has(id));
    expect(missedByNaive.length).toBeGreaterThan(0);
  });

  it('reports held-back events while an older transaction is open, and returns them after it commits', async () => {
    // The transaction stays open until the reads below are done, however slow the machine.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let appended!: () => void;
    const inFlight = new Promise<void>((resolve) => (appended = resolve));
    const slow = f.db.transaction().execute(async (trx) => {
      await append(trx, 'conversation-held-1', 'org', [newEvent()], 'no_stream');
      appended();
      await finished;
    });
    await inFlight;
    const { checkpoint } = await readAll(f.db, { limit: 100_000 });
    await f.store.appendToStream('conversation-held-2', [newEvent()], 'no_stream', { organizationId: 'org' });
    const during = await readAll(f.db, { after: checkpoint });
    expect(during.events).toHaveLength(0);
    expect(during.heldBack).toBe(true);
    finish();
    await slow;
    const afterCommit = await readCaughtUp(checkpoint);
    expect(afterCommit.events.map((e) => e.streamId)).toEqual(['conversation-held-1', 'conversation-held-2']);
  });

  it('is not held back by a transaction open in another database of the same server, only by one in its own', async () => {
    // Another application's long transaction on the same Postgres server: it has a transaction
    // id (it wrote), which is older than everything appended below.
    const elsewhere = await createTestDatabase();
    const other = new pg.Client({ connectionString: elsewhere.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('CREATE TABLE report (n int)');
      const { rows } = await other.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const { checkpoint } = await readAll(f.db, { limit: 100_000 });
      await f.store.appendToStream('conversation-elsewhere-1', [newEvent()], 'no_stream', { organizationId: 'org' });
      const read = await readCaughtUp(checkpoint);
      expect(read.events.map((e) => e.streamId)).toEqual(['conversation-elsewhere-1']);
      expect(BigInt(read.events[0]!.transactionId)).toBeGreaterThan(BigInt(rows[0]!.xid));

      // The same in this database holds the log back until it ends.
      const mine = await f.db.connection().execute(async (connection) => {
        await sql`BEGIN`.execute(connection);
        await sql`CREATE TEMPORARY TABLE held (n int)`.execute(connection);
        await sql`SELECT pg_current_xact_id()`.execute(connection);
        await f.store.appendToStream('conversation-elsewhere-2', [newEvent()], 'no_stream', { organizationId: 'org' });
        const during = await readAll(f.db, { after: read.checkpoint });
        await sql`ROLLBACK`.execute(connection);
        return during;
      });
      expect(mine.events).toHaveLength(0);
      expect(mine.heldBack).toBe(true);
      const after = await readCaughtUp(read.checkpoint);
      expect(after.events.map((e) => e.streamId)).toEqual(['conversation-elsewhere-2']);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
      await elsewhere.drop();
    }
  });

  // A caught-up outbox relay asks on every wake-up whether anything lies after its checkpoint.
  // On a log not yet analyzed, the bare EXISTS it asked before was planned as a sequential scan
  // of the whole log: 7 ms a call in chat-latency.
  it('asks whether events lie after a checkpoint by a few index pages, with no statistics and as a generic plan', async () => {
    const own = await createEventStoreFixture(2);
    try {
      await sql`ALTER TABLE event_store.events SET (autovacuum_enabled = false)`.execute(own.db);
      await sql`
        INSERT INTO event_store.events (event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at)
        SELECT gen_random_uuid(), 'conversation-' || n, 1, 'org', 'TagAdded', 1, '{"tag":"x"}', '{}', now()
          FROM generate_series(1, 20000) AS n`.execute(own.db);
      const last = await readAll(own.db, { limit: 100_000 });
      expect(last.events).toHaveLength(20_000);
      const values = sql.join([sql.lit(last.checkpoint.transactionId), sql.lit(last.checkpoint.globalPosition)]);
      const plans = await own.db.connection().execute(async (connection) => {
        const found: { mode: string; pending: boolean; seqScan: boolean; blocks: number }[] = [];
        await sql.raw(`PREPARE held_back (xid8, bigint) AS ${HELD_BACK_SQL}`).execute(connection);
        for (const mode of ['force_custom_plan', 'force_generic_plan']) {
          await sql.raw(`SET plan_cache_mode = ${mode}`).execute(connection);
          const explained = await sql<{ 'QUERY PLAN': unknown }>`
            EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE held_back(${values})`.execute(connection);
          const plan = JSON.stringify(explained.rows[0]!['QUERY PLAN']);
          const blocks = [...plan.matchAll(/"Shared (?:Hit|Read) Blocks": ?(\d+)/g)].reduce(
            (sum, m) => sum + Number(m[1]),
            0,
          );
          const answer = await sql<{ pending: boolean }>`EXECUTE held_back(${values})`.execute(connection);
          found.push({ mode, pending: answer.rows[0]!.pending, seqScan: plan.includes('Seq Scan'), blocks });
        }
        return found;
      });
      for (const { mode, pending, seqScan, blocks } of plans) {
        expect({ mode, pending, seqScan }).toEqual({ mode, pending: false, seqScan: false });
        // The log is about 200 pages; a probe of the index reads its root and a leaf or two.
        expect(blocks).toBeGreaterThan(0);
        expect(blocks).toBeLessThanOrEqual(10);
      }
      // And it still sees what comes after.
      await own.store.appendToStream('conversation-after', [newEvent()], 'no_stream', { organizationId: 'org' });
      const { rows } = await own.db.executeQuery<{ pending: boolean }>(
        CompiledQuery.raw(HELD_BACK_SQL, [last.checkpoint.transactionId, last.checkpoint.globalPosition]),
      );
      expect(rows).toEqual([{ pending: true }]);
    } finally {
      await own.close();
    }
  });

  it('leaves out, in a slim read, the data fields listed for a type, the metadata and the ids, and nothing else', async () => {
    const streamId = `conversation-slim-${Date.now()}`;
    const { checkpoint } = await readCaughtUp(START);
    const message = {
      message_id: 'm1',
      text: 'hello',
      client_id: 'c1',
      attachments: [],
      "it's": 1,
      author: { id: 'a' },
    };
    await f.store.appendToStream(
      streamId,
      [
        { ...newEvent('MessagePosted', message), metadata: { correlationId: 'x' } },
        newEvent('ConversationTransferred', { note: 'see above', to: 'agent-2' }),
        newEvent('TagAdded', { tag: 'vip', text: 'kept: not listed for this type' }),
      ],
      'no_stream',
      { organizationId: 'org-slim' },
    );
    const full = await readStream(f.db, streamId);
    const slim = {
      metadata: false,
      dropData: {
        MessagePosted: ['text', 'client_id', 'attachments', "it's"],
        ConversationTransferred: ['note'],
        TagAdded: [],
      },
    } as const;
    const { events } = await readAll(f.db, { after: checkpoint, limit: 1000, slim });
    const ours = events.filter((event) => event.streamId === streamId);
    expect(ours.map(({ type, data, metadata }) => ({ type, data, metadata }))).toEqual([
      { type: 'MessagePosted', data: { message_id: 'm1', author: { id: 'a' } }, metadata: {} },
      { type: 'ConversationTransferred', data: { to: 'agent-2' }, metadata: {} },
      { type: 'TagAdded', data: { tag: 'vip', text: 'kept: not listed for this type' }, metadata: {} },
    ]);
    // One shared empty metadata, which no reader can change for the others.
    expect(ours.every((event) => event.metadata === EMPTY_METADATA && Object.isFrozen(event.metadata))).toBe(true);
    expect(ours.map((event) => event.eventId)).toEqual(full.map((event) => event.eventId));

    // Without the ids as well: every id empty, the rest as read above.
    const { events: noIds } = await readAll(f.db, {
      after: checkpoint,
      limit: 1000,
      slim: { ...slim, eventId: false },
    });
    const oursNoIds = noIds.filter((event) => event.streamId === streamId);
    expect(oursNoIds.map((event) => event.eventId)).toEqual(['', '', '']);
    expect(oursNoIds.map((event) => ({ ...event, eventId: 'x' }))).toEqual(
      ours.map((event) => ({ ...event, eventId: 'x' })),
    );
  });

  it('reads each event as readStream does, field for field and type for type, through the pool and in a transaction', async () => {
    const streamId = `conversation-fields-${Date.now()}`;
    const { checkpoint } = await readCaughtUp(START);
    const before = Date.now();
    await f.store.appendToStream(
      streamId,
      [
        {
          ...newEvent('MessagePosted', { text: 'héllo\t"quoted"', n: 1.5, nested: { list: [1, null] } }),
          metadata: { correlationId: 'c-1' },
        },
        newEvent('TagAdded', { tag: 'vip' }),
      ],
      'no_stream',
      { organizationId: 'org-fields' },
    );
    const expected = await readStream(f.db, streamId);
    expect(expected).toMatchObject([
      {
        streamId,
        streamVersion: 1,
        organizationId: 'org-fields',
        type: 'MessagePosted',
        data: { text: 'héllo\t"quoted"', n: 1.5, nested: { list: [1, null] } },
        metadata: { correlationId: 'c-1' },
      },
      { streamId, streamVersion: 2, organizationId: 'org-fields', type: 'TagAdded', data: { tag: 'vip' } },
    ]);
    expect(expected[1]!.globalPosition).toBeGreaterThan(expected[0]!.globalPosition);
    for (const event of expected) {
      expect(event.occurredAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(event.occurredAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    const mine = (events: RecordedEvent[]) => events.filter((event) => event.streamId === streamId);
    // Through the pool, with the per-query type parsers, and through Kysely in a transaction.
    const pooled = mine((await readCaughtUp(checkpoint)).events);
    const inTransaction = mine(
      await f.db.transaction().execute(async (trx) => (await readAll(trx, { after: checkpoint, limit: 1000 })).events),
    );
    for (const events of [pooled, inTransaction]) {
      expect(events).toEqual(expected);
      for (const event of events) {
        expect(typeof event.globalPosition).toBe('number');
        expect(typeof event.streamVersion).toBe('number');
        expect(typeof event.transactionId).toBe('string');
        expect(event.occurredAt).toBeInstanceOf(Date);
        expect(Number.isNaN(event.occurredAt.getTime())).toBe(false);
        expect(Object.keys(event).sort()).toEqual(Object.keys(expected[0]!).sort());
      }
    }
  });
});
