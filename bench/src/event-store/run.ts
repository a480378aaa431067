/**
 * bench/event-store: durable appends per second of the event store at 1, 8 and 32 concurrent
 * writers (single-event and 10-event appends, synchronous_commit on), next to the raw Postgres
 * single-row insert rate at the same concurrency measured in the same run, and `readAll` replay
 * over 1,000,000 events, whole and slim (as the metrics rebuild reads), three rounds of each,
 * with the CPU of this process (the reader) and of the Postgres backend that served it. Writes
 * its section of bench/RESULTS.md.
 *
 *   pnpm bench:event-store            (DATABASE_URL, else the local server)
 *   SECONDS_PER_CASE=10 REPLAY_ROUNDS=5 pnpm bench:event-store
 */
import { randomUUID } from 'node:crypto';
import { createDatabase, EventStore, GroupCommit, migrateEventStore, readAll, START } from '@livedesk/event-store';
import { createTestDatabase } from '@livedesk/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { processCpuSeconds } from '../chat-latency/cpu-usage.js';
import { messageEvent } from './message-event.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';

const SECONDS = Number(process.env.SECONDS_PER_CASE ?? 5);
const REPLAY_EVENTS = Number(process.env.REPLAY_EVENTS ?? 1_000_000);
const CONCURRENCY = [1, 8, 32];

/** Runs `writers` loops of `work` for SECONDS and answers operations per second. */
async function timed(writers: number, work: (writer: number) => Promise<number>): Promise<number> {
  const deadline = Date.now() + SECONDS * 1000;
  const started = process.hrtime.bigint();
  const counts = await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      let done = 0;
      while (Date.now() < deadline) done += await work(writer);
      return done;
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

async function rawInsertRate(url: string, writers: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: writers });
  await pool.query('CREATE TABLE IF NOT EXISTS raw_inserts (id bigserial PRIMARY KEY, payload jsonb NOT NULL)');
  const payload = JSON.stringify(messageEvent().data);
  const rate = await timed(writers, async () => {
    await pool.query('INSERT INTO raw_inserts (payload) VALUES ($1)', [payload]);
    return 1;
  });
  await pool.end();
  return rate;
}

/**
 * `grouped`: through a group commit (GroupCommit), as the conversation service's command handler
 * appends: the writers' appends that arrive while a statement is on its way go in the next one.
 */
async function appendRate(url: string, writers: number, eventsPerAppend: number, grouped = false): Promise<number> {
  const db = createDatabase(url, { max: writers });
  const store = new EventStore(db);
  const group = grouped ? new GroupCommit(db, { maxBatch: 100 }) : undefined;
  const run = randomUUID().slice(0, 8);
  // Each writer appends to its own conversations with the exact expected version, as a
  // conversation service does.
  const versions = new Map<string, number>();
  const rate = await timed(writers, async (writer) => {
    const stream = `conversation-${run}-${writer}-${Math.floor(Math.random() * 50)}`;
    const expected = versions.get(stream) ?? 'no_stream';
    const events = Array.from({ length: eventsPerAppend }, messageEvent);
    let result: Awaited<ReturnType<typeof store.appendToStream>>;
    if (group) {
      result = await group.append(stream, 'org-bench', events, expected);
      store.notifyAppended(); // as the command handler wakes the relay
    } else {
      result = await store.appendToStream(stream, events, expected, { organizationId: 'org-bench' });
    }
    versions.set(stream, result.nextExpectedVersion);
    return eventsPerAppend;
  });
  await db.destroy();
  return rate;
}

/** Loads realistic conversations straight into the event table, 20 events per stream. */
async function seed(url: string, total: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const perTransaction = 50_000;
  for (let offset = 0; offset < total; offset += perTransaction) {
    await client.query(
      `INSERT INTO event_store.events
         (event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at)
       SELECT gen_random_uuid(), 'conversation-seed-' || (n / 20), (n % 20) + 1, 'org-bench',
              CASE WHEN n % 20 = 0 THEN 'ConversationStarted' ELSE 'MessagePosted' END, 1,
              jsonb_build_object('message_id', md5(n::text), 'author', jsonb_build_object('kind', 'customer', 'id', 'cust-' || (n / 20)),
                                 'text', 'Hello, I ordered a blue jacket last week and it has not arrived yet. Can you check?',
                                 'attachments', '[]'::jsonb),
              jsonb_build_object('correlationId', md5((n + 1)::text)),
              now()
         FROM generate_series($1::bigint, $2::bigint) AS n`,
      [offset, Math.min(offset + perTransaction, total) - 1],
    );
  }
  await client.query('ANALYZE event_store.events');
  await client.end();
}

/** What a replay of the metrics rebuild leaves out (its `REPLAY_SLIM`, for the events seeded here). */
const REPLAY_SLIM = { metadata: false, dropData: { MessagePosted: ['text', 'client_id', 'attachments'] } } as const;

interface Replay {
  events: number;
  perSecond: number;
  /** CPU seconds of the Postgres backend that served the reads, per million events (null: not on this machine). */
  backendCpuPerMillion: number | null;
  /** CPU seconds of this process (the reader: row decoding, JSON, garbage collection), per million events. */
  readerCpuPerMillion: number;
}

async function replayRate(url: string, slim?: typeof REPLAY_SLIM): Promise<Replay> {
  const db = createDatabase(url, { max: 1 });
  const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
  const pid = rows[0]!.pid;
  const cpuBefore = processCpuSeconds(pid);
  const readerBefore = process.cpuUsage();
  let after = START;
  let events = 0;
  const started = process.hrtime.bigint();
  for (;;) {
    const read = await readAll(db, { after, limit: 10_000, slim });
    if (read.events.length === 0) break;
    events += read.events.length;
    after = read.checkpoint;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const reader = process.cpuUsage(readerBefore);
  const cpuAfter = processCpuSeconds(pid);
  await db.destroy();
  const backendCpuPerMillion =
    cpuBefore === undefined || cpuAfter === undefined || events === 0 ? null : ((cpuAfter - cpuBefore) * 1e6) / events;
  const readerCpuPerMillion = events === 0 ? 0 : ((reader.user + reader.system) / 1e6) * (1e6 / events);
  return { events, perSecond: events / seconds, backendCpuPerMillion, readerCpuPerMillion };
}

const cpuText = (replay: Replay) =>
  `reader ${replay.readerCpuPerMillion.toFixed(2)} s, Postgres ${
    replay.backendCpuPerMillion === null ? 'not measured' : `${replay.backendCpuPerMillion.toFixed(2)} s`
  } per million events`;

/** A replay's figure is a spread: each kind of read runs this many times, alternating. */
const REPLAY_ROUNDS = Number(process.env.REPLAY_ROUNDS ?? 3);

const median = (replays: Replay[]): Replay =>
  [...replays].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(replays.length / 2)]!;

const spreadText = (replays: Replay[]) =>
  replays.map((replay) => `${fmt(replay.perSecond)} events/s (${cpuText(replay)})`).join('; ');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const admin = createDatabase(database.url, { max: 1 });
  try {
    await migrateEventStore(admin);
    const settings = await sql<{ name: string; setting: string }>`
      SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'server_version', 'wal_sync_method')`.execute(
      admin,
    );
    const setting = Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));
    if (setting.synchronous_commit !== 'on' || setting.fsync !== 'on') {
      throw new Error(`durable appends need synchronous_commit=on and fsync=on; found ${JSON.stringify(setting)}`);
    }
    console.log(`database ${database.name}; ${SECONDS}s per case; ${JSON.stringify(setting)}`);

    const rows: string[] = [];
    const ratios: Record<number, number> = {};
    const groupedRatios: Record<number, number> = {};
    for (const writers of CONCURRENCY) {
      const raw = await rawInsertRate(database.url, writers);
      const single = await appendRate(database.url, writers, 1);
      const grouped = await appendRate(database.url, writers, 1, true);
      const ten = await appendRate(database.url, writers, 10);
      ratios[writers] = single / raw;
      groupedRatios[writers] = grouped / raw;
      const line = `| ${writers} | ${fmt(raw)} | ${fmt(single)} | ${((100 * single) / raw).toFixed(0)} % | ${fmt(grouped)} | ${((100 * grouped) / raw).toFixed(0)} % | ${fmt(ten)} |`;
      console.log(line);
      rows.push(line);
    }

    console.log(`seeding ${fmt(REPLAY_EVENTS)} events for the replay …`);
    await sql`TRUNCATE event_store.events, event_store.streams`.execute(admin);
    await seed(database.url, REPLAY_EVENTS);
    const wholeReplays: Replay[] = [];
    const slimReplays: Replay[] = [];
    for (let round = 1; round <= REPLAY_ROUNDS; round++) {
      const whole = await replayRate(database.url);
      console.log(
        `readAll replay ${round}: ${fmt(whole.events)} events, ${fmt(whole.perSecond)} events/s; ${cpuText(whole)}`,
      );
      const slim = await replayRate(database.url, REPLAY_SLIM);
      console.log(`slim readAll replay ${round}: ${fmt(slim.perSecond)} events/s; ${cpuText(slim)}`);
      wholeReplays.push(whole);
      slimReplays.push(slim);
    }
    const replay = median(wholeReplays);

    const at32 = ratios[32] ?? 0;
    const groupedAt32 = groupedRatios[32] ?? 0;
    writeResultsSection(
      'event-store',
      `## event-store (\`pnpm bench:event-store\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine([`PostgreSQL ${setting.server_version} on the same machine`, `synchronous_commit ${setting.synchronous_commit}, fsync ${setting.fsync}, wal_sync_method ${setting.wal_sync_method}`])}; ${SECONDS} s per case.

Durable appends per second (events/s). "Raw insert" is a plain \`pg\` loop of single-row \`INSERT\`s (one transaction each) at the same concurrency, in the same run: the machine's physical limit for one transaction per write. "Alone": each append its own statement and transaction (\`append\`). "Group commit": the same single-event appends through \`GroupCommit\`, as the conversation service's command handler stores them: the appends that arrive while a statement is on its way share the next one (one transaction, one WAL flush), each with its own answer.

| writers | raw insert rows/s | single-event appends alone, events/s | vs raw | single-event appends, group commit, events/s | vs raw | 10-event appends alone, events/s |
|---|---|---|---|---|---|---|
${rows.join('\n')}

- Target: single-event appends at 32 writers at least 60 % of the raw insert rate: alone **${(100 * at32).toFixed(0)} %** (${at32 >= 0.6 ? 'met' : 'missed'}); through group commit, the command handler's path, **${(100 * groupedAt32).toFixed(0)} %** (${groupedAt32 >= 0.6 ? 'met' : 'missed'}).
- \`readAll\` replay over ${fmt(replay.events)} events (batches of 10,000, commit-safe order), the median of ${REPLAY_ROUNDS}: **${fmt(replay.perSecond)} events/s** (target 250,000: ${replay.perSecond >= 250_000 ? 'met' : 'missed'}). Each round, with the CPU of this process (the reader) and of the Postgres backend serving it: ${spreadText(wholeReplays)}.
- The same replay slim, as the metrics rebuild reads (metadata, and the messages' texts, client ids and attachments, left out by Postgres), alternating with the whole one: ${spreadText(slimReplays)}.`,
    );
  } finally {
    await admin.destroy();
    await database.drop();
  }
}

await main();
