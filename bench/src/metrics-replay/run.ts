/**
 * bench/metrics-replay: the rebuild of every metrics table from the event store, over a
 * realistic log of 1,000,000 events (libs/demo-history), through the same projector that live
 * consumption runs. Writes its section of bench/RESULTS.md.
 *
 *   pnpm bench:metrics-replay                 (DATABASE_URL, else the local server)
 *   REPLAY_EVENTS=200000 pnpm bench:metrics-replay
 */
import { sql } from 'kysely';
import { createDatabase, migrateEventStore } from '@livedesk/event-store';
import { createTestDatabase } from '@livedesk/testing';
import { migrateMetrics } from '../../../services/metrics/dist/projection/migrate-metrics.js';
import { MetricsProjector } from '../../../services/metrics/dist/projection/metrics-projector.js';
import { PROJECTED_TABLES, type MetricsDatabase } from '../../../services/metrics/dist/projection/metrics-tables.js';
import { rebuildMetrics } from '../../../services/metrics/dist/projection/rebuild-metrics.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';
import { loadLog, planLog } from './load-log.js';

const EVENTS = Number(process.env.REPLAY_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.REPLAY_BATCH ?? 5000);
const RUNS = Number(process.env.REPLAY_RUNS ?? 2);
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

    const rates: number[] = [];
    const timings: string[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const started = process.hrtime.bigint();
      const result = await rebuildMetrics(db, new MetricsProjector(), { batchSize: BATCH });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      rates.push(result.events / seconds);
      const t = result.timings;
      timings.push(
        `waiting for reads ${(t.readWait / 1000).toFixed(1)} s, folding ${(t.fold / 1000).toFixed(1)} s, preparing rows ${(t.prepare / 1000).toFixed(1)} s, ` +
          `waiting for writes ${(t.writeWait / 1000).toFixed(1)} s, last write and derived tables ${(t.lastWrite / 1000).toFixed(1)} s`,
      );
      console.log(
        `run ${run}: ${fmt(result.events)} events in ${seconds.toFixed(2)} s: ${fmt(result.events / seconds)} events/s`,
        result.timings,
      );
    }
    const counts: string[] = [];
    for (const table of PROJECTED_TABLES) {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.raw(table)}`.execute(db);
      counts.push(`${table.replace('metrics.', '')} ${fmt(Number(rows[0]!.n))}`);
    }
    console.log(counts.join(', '));
    const { rows: version } = await sql<{ server_version: string }>`SHOW server_version`.execute(db);
    const best = Math.max(...rates);
    writeResultsSection(
      'metrics-replay',
      `## metrics-replay (\`pnpm bench:metrics-replay\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine([`PostgreSQL ${version[0]?.server_version ?? '?'} on the same machine`])}.

The rebuild of every \`metrics\` table (\`rebuildMetrics\`: truncate, then \`readAll\` in commit-safe order, ${fmt(BATCH)} events a read, folded by \`MetricsProjector\`, the code live consumption runs; the tables are written every 100,000 events while the next are read and folded, the derived tables recomputed at the end) over a log of ${fmt(events)} events: ${fmt(conversations)} conversations of 5 organizations (bots, queues, exchanges with read receipts, transfers, ratings, NPS, goals, reopens, missed chats) and the working days of 150 agents over 14 days (\`libs/demo-history/src/realistic-log.ts\`), loaded in time order 10,000 events per transaction, then vacuumed as autovacuum would have; each run in this process, which holds nothing else.

| run | events/s | where the time went |
|---|---|---|
${rates.map((rate, i) => `| ${i + 1} | ${fmt(rate)} | ${timings[i]} |`).join('\n')}

- Target: at least ${fmt(TARGET)} events/s: **${fmt(best)} events/s** (${best >= TARGET ? 'met' : 'missed'}).
- Rows written: ${counts.join(', ')}.`,
    );
  } finally {
    await db.destroy();
    if (process.env.KEEP_DATABASE) console.log(`kept ${database.url}`);
    else await database.drop();
  }
}

await main();
