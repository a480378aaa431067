/**
 * bench/metrics-replay: the rebuild of every metrics table from the event store, over a
 * realistic log of 1,000,000 events (libs/demo-history), through the same projector that live
 * consumption runs. Writes its section of bench/RESULTS.md.
 *
 *   pnpm bench:metrics-replay                 (DATABASE_URL, else the local server)
 *   REPLAY_EVENTS=200000 pnpm bench:metrics-replay
 *
 * Each process rebuilds REPLAY_RUNS times with COPY (the rebuild's writes) and once, between
 * them, with every row through `INSERT … json_populate_recordset` (REPLAY_ANCHOR=0: not), the
 * anchor of the same database and machine load.
 */
import { sql, type Kysely } from 'kysely';
import { createDatabase, migrateEventStore } from '@livedesk/event-store';
import { createTestDatabase } from '@livedesk/testing';
import { migrateMetrics } from '../../../services/metrics/dist/projection/migrate-metrics.js';
import { MetricsProjector } from '../../../services/metrics/dist/projection/metrics-projector.js';
import { PROJECTED_TABLES, type MetricsDatabase } from '../../../services/metrics/dist/projection/metrics-tables.js';
import { rebuildMetrics } from '../../../services/metrics/dist/projection/rebuild-metrics.js';
import { loadavg } from 'node:os';
import { processCpuSeconds } from '../chat-latency/cpu-usage.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';
import { loadLog, planLog } from './load-log.js';

const EVENTS = Number(process.env.REPLAY_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.REPLAY_BATCH ?? 5000);
const RUNS = Number(process.env.REPLAY_RUNS ?? 2);
const ANCHOR = process.env.REPLAY_ANCHOR !== '0';
const TARGET = 100_000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Writes the log into the event store; the planned events are garbage once this returns. */
async function planAndLoad(url: string): Promise<{ events: number; conversations: number }> {
  const planStarted = Date.now();
  const planned = planLog(EVENTS);
  console.log(
    `planned ${fmt(planned.length)} events in ${((Date.now() - planStarted) / 1000).toFixed(1)} s; loading …`,
  );
  const loadStarted = Date.now();
  await loadLog(url, planned);
  console.log(`loaded in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);
  return {
    events: planned.length,
    conversations: planned.filter((event) => event.type === 'ConversationStarted').length,
  };
}

async function rowCounts(db: Kysely<MetricsDatabase>): Promise<string[]> {
  const counts: string[] = [];
  for (const table of PROJECTED_TABLES) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.raw(table)}`.execute(db);
    counts.push(`${table.replace('metrics.', '')} ${fmt(Number(rows[0]!.n))}`);
  }
  return counts;
}

/** CPU seconds so far of each server process of the bench's database (its connections' backends). */
async function backendCpu(db: Kysely<MetricsDatabase>): Promise<Map<number, number>> {
  const { rows } = await sql<{
    pid: number;
  }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) cpu.set(pid, seconds);
  }
  return cpu;
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const db = createDatabase<MetricsDatabase>(database.url, { max: 4, applicationName: 'bench-metrics-replay' });
  try {
    await migrateEventStore(db as never);
    await migrateMetrics(db as never);
    const { events, conversations } = await planAndLoad(database.url);
    // What autovacuum does to a table written long ago; without it the first read of a freshly
    // loaded log also sets every row's hint bits, which no rebuild in production pays.
    await sql`VACUUM (ANALYZE) event_store.events`.execute(db);

    // COPY runs, with the insert anchor after the first (so drift of the machine's load falls on both).
    const plan = Array.from({ length: RUNS }, () => true);
    if (ANCHOR) plan.splice(1, 0, false);
    const rates: number[] = [];
    const timings: string[] = [];
    const writes: string[] = [];
    const cpu: string[] = [];
    let counts: string[] = [];
    for (const [index, copy] of plan.entries()) {
      const run = index + 1;
      const load = loadavg()[0]!;
      const backendsBefore = await backendCpu(db);
      const nodeBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      const result = await rebuildMetrics(db, new MetricsProjector(), { batchSize: BATCH, copy });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const node = process.cpuUsage(nodeBefore);
      let postgresCpu = 0;
      for (const [pid, after] of await backendCpu(db)) postgresCpu += after - (backendsBefore.get(pid) ?? 0);
      cpu.push(
        `${((node.user + node.system) / 1e6).toFixed(1)} s / ${postgresCpu.toFixed(1)} s (load average ${load.toFixed(1)})`,
      );
      rates.push(result.events / seconds);
      writes.push(copy ? 'COPY' : 'INSERT (anchor)');
      const t = result.timings;
      timings.push(
        `waiting for reads ${(t.readWait / 1000).toFixed(1)} s, folding ${(t.fold / 1000).toFixed(1)} s, preparing rows ${(t.prepare / 1000).toFixed(1)} s, ` +
          `waiting for writes ${(t.writeWait / 1000).toFixed(1)} s, last write, indexes and derived tables ${(t.lastWrite / 1000).toFixed(1)} s`,
      );
      console.log(
        `run ${run} (${writes[index]}): ${fmt(result.events)} events in ${seconds.toFixed(2)} s: ${fmt(result.events / seconds)} events/s`,
        result.timings,
        `CPU: this process / its Postgres backends ${cpu[index]}`,
      );
      // Every run must write the same rows (the tests compare them row by row on small logs).
      const runCounts = await rowCounts(db);
      if (counts.length > 0 && runCounts.join() !== counts.join()) {
        throw new Error(`run ${run} wrote other row counts: ${runCounts.join(', ')} against ${counts.join(', ')}`);
      }
      counts = runCounts;
    }
    console.log(counts.join(', '));
    const { rows: version } = await sql<{ server_version: string }>`SHOW server_version`.execute(db);
    const copyRates = rates.filter((_, i) => plan[i]);
    const anchorRates = rates.filter((_, i) => !plan[i]);
    const best = Math.max(...copyRates);
    writeResultsSection(
      'metrics-replay',
      `## metrics-replay (\`pnpm bench:metrics-replay\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine([`PostgreSQL ${version[0]?.server_version ?? '?'} on the same machine`])}.

The rebuild of every \`metrics\` table (\`rebuildMetrics\`: truncate, then \`readAll\` in commit-safe order, ${fmt(BATCH)} events a read, folded by \`MetricsProjector\`, the code live consumption runs; the tables are written every 100,000 events while the next are read and folded, each write split by organization over two connections (the anchor: one), the rows new to the tables by \`COPY\` in the binary format, the secondary indexes dropped with the \`TRUNCATE\` and built at the end, the derived tables recomputed at the end on the same connections, their source tables analyzed after the first write; the anchor run writes every row by \`INSERT … json_populate_recordset\` as live consumption does) over a log of ${fmt(events)} events: ${fmt(conversations)} conversations of 5 organizations (bots, queues, exchanges with read receipts, transfers, ratings, NPS, goals, reopens, missed chats) and the working days of 150 agents over 14 days (\`libs/demo-history/src/realistic-log.ts\`), loaded in time order 10,000 events per transaction, then vacuumed as autovacuum would have; each run in this process, which holds nothing else.

| run | writes | events/s | where the time went | CPU: this process / its Postgres backends |
|---|---|---|---|---|
${rates.map((rate, i) => `| ${i + 1} | ${writes[i]} | ${fmt(rate)} | ${timings[i]} | ${cpu[i]} |`).join('\n')}

- Target: at least ${fmt(TARGET)} events/s: **${fmt(best)} events/s** with COPY (${best >= TARGET ? 'met' : 'missed'})${anchorRates.length > 0 ? `; the INSERT anchor of the same process ${anchorRates.map(fmt).join(', ')} events/s` : ''}.
- CPU: user + system seconds of this process and of the Postgres backends serving its connections during each run (from /proc; Postgres's WAL writer and checkpointer are left out), and the machine's 1-minute load average as the run started: other engineers' tests share the 2 cores.
- Rows written: ${counts.join(', ')}.`,
    );
  } finally {
    await db.destroy();
    if (process.env.KEEP_DATABASE) console.log(`kept ${database.url}`);
    else await database.drop();
  }
}

await main();
