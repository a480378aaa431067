/**
 * bench/metrics-live: the live metrics projection under a steady load. Realistic conversation
 * events (libs/demo-history) are written to the event store at LIVE_RATE events/s (default
 * 5,000) for LIVE_SECONDS (default 30, after a 5 s warm-up), every 20 ms the events due in one
 * transaction, stamped with that moment; the outbox relay publishes them to JetStream, and the projection consumes them the
 * way the metrics service does (a `BatchSubscription` through `MetricsProjector.apply`). The lag
 * of an event is the time from its append to the commit of the batch that projected it.
 * Writes its section of bench/RESULTS.md.
 *
 *   pnpm bench:metrics-live
 *   LIVE_RATE=8000 LIVE_SECONDS=20 pnpm bench:metrics-live
 *   LIVE_TRACE=1 pnpm bench:metrics-live     (a line a second: what each stage did in it)
 *   LIVE_DERIVED_MS=500 pnpm bench:metrics-live   (the derived rows recomputed more often)
 */
import { build } from 'hdr-histogram-js';
import { sql } from 'kysely';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { BatchSubscription, createDatabase, migrateEventStore, OutboxRelay } from '@livedesk/event-store';
import { createTestDatabase, createTestNats } from '@livedesk/testing';
import { migrateMetrics } from '../../../services/metrics/dist/projection/migrate-metrics.js';
import { flushDerivedBacklog } from '../../../services/metrics/dist/projection/derived-tables.js';
import { METRICS_CONSUMER, MetricsProjector } from '../../../services/metrics/dist/projection/metrics-projector.js';
import type { MetricsDatabase } from '../../../services/metrics/dist/projection/metrics-tables.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';
import { eventRow, planLog } from './load-log.js';

const RATE = Number(process.env.LIVE_RATE ?? 5000);
const SECONDS = Number(process.env.LIVE_SECONDS ?? 30);
const WARMUP = 5;
const TICK_MS = 5;
const TARGET_LAG_MS = 1000;
/** Between two recomputations of the derived rows, as the leader's METRICS_DERIVED_INTERVAL_MS (default 5000). */
const DERIVED_MS = Number(process.env.LIVE_DERIVED_MS ?? 5000);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** What each stage did in the current second (LIVE_TRACE=1). */
const trace = {
  appended: 0,
  relayed: 0,
  relayMaxMs: 0,
  projected: 0,
  batches: 0,
  batchMs: 0,
  lagMaxMs: 0,
  derivedMs: 0,
  derivedKeys: 0,
};
function printTrace(second: number): void {
  const t = trace;
  console.log(
    `${String(second).padStart(3)} s: appended ${t.appended}, relayed ${t.relayed} (oldest ${t.relayMaxMs} ms after its commit), ` +
      `projected ${t.projected} in ${t.batches} batches (${t.batchMs} ms in handlers), lag max ${t.lagMaxMs} ms, derived ${t.derivedKeys} dirty keys in ${t.derivedMs} ms`,
  );
  Object.assign(trace, {
    appended: 0,
    relayed: 0,
    relayMaxMs: 0,
    projected: 0,
    batches: 0,
    batchMs: 0,
    lagMaxMs: 0,
    derivedMs: 0,
    derivedKeys: 0,
  });
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const nats = await createTestNats();
  const db = createDatabase<MetricsDatabase>(database.url, { max: 16, applicationName: 'bench-metrics-live' });
  const streamName = `${nats.streamPrefix}_EVENTS`;
  const relay = new OutboxRelay({
    db: db as never,
    databaseUrl: database.url,
    nats: nats.connection,
    streamName,
    subjectPrefix: nats.subjectPrefix,
    onPublished: (events) => {
      const now = Date.now();
      trace.relayed += events.length;
      for (const event of events) trace.relayMaxMs = Math.max(trace.relayMaxMs, now - event.occurredAt.getTime());
    },
  });
  const projector = new MetricsProjector();
  const lag = build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000, numberOfSignificantValueDigits: 3 });
  let measuring = false;
  let projected = 0;
  let appended = 0;
  const subscription = new BatchSubscription<MetricsDatabase>({
    db,
    nats: nats.connection,
    streamName,
    consumer: METRICS_CONSUMER,
    filterSubject: eventSubjectWildcard(nats.subjectPrefix),
    handler: async (events, trx) => {
      const started = Date.now();
      await projector.apply(events, trx);
      trace.batches++;
      trace.batchMs += Date.now() - started;
    },
    onBatchFailed: () => projector.reset(),
    onBatchCommitted: (events) => {
      const now = Date.now();
      for (const event of events) {
        trace.projected++;
        trace.lagMaxMs = Math.max(trace.lagMaxMs, now - event.occurredAt.getTime());
        if (!measuring) continue;
        lag.recordValue(Math.max(1, now - event.occurredAt.getTime()));
        projected++;
      }
    },
    maxBatch: 1000,
    maxDeliver: 100,
  });
  try {
    await migrateEventStore(db as never);
    await migrateMetrics(db as never);
    await relay.start();
    await subscription.start();
    // As the projection leader does every DERIVED_MS: the derived rows the batches touched.
    let deriving = true;
    const derivedLoop = (async () => {
      while (deriving) {
        const started = Date.now();
        trace.derivedKeys += await flushDerivedBacklog(db);
        trace.derivedMs += Date.now() - started;
        await new Promise((resolve) => setTimeout(resolve, DERIVED_MS));
      }
    })();

    const planned = planLog(RATE * (SECONDS + WARMUP + 2));
    console.log(`${fmt(planned.length)} events, offered at ${fmt(RATE)} events/s for ${WARMUP} + ${SECONDS} s`);

    // Open loop: every TICK_MS, the events due by then (the i-th at start + i / RATE) are written
    // in one transaction, stamped with that moment, with the versions their streams are at: as
    // many commands' commits arriving together would leave them. One writer, so the load costs
    // this machine little beside what is measured: the relay and the projection.
    const versions = new Map<string, number>();
    const start = Date.now();
    const tracing = process.env.LIVE_TRACE
      ? setInterval(() => printTrace(Math.round((Date.now() - start) / 1000)), 1000)
      : undefined;
    const end = start + (WARMUP + SECONDS) * 1000;
    let measureFrom = 0;
    let next = 0;
    let late = 0;
    while (Date.now() < end && next < planned.length) {
      const now = Date.now();
      if (!measuring && now >= start + WARMUP * 1000) {
        measuring = true;
        measureFrom = now;
        appended = 0;
      }
      const due = Math.min(planned.length, Math.floor(((now - start) / 1000) * RATE));
      if (due > next) {
        const occurredAt = new Date(now);
        const rows = planned.slice(next, due).map((event) => eventRow(event, versions, occurredAt, {}));
        await sql`
          WITH inserted AS (
            INSERT INTO event_store.events (event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at)
            SELECT event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at
              FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(event_id uuid, stream_id text, stream_version bigint, organization_id text,
                                                                     type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz)
            RETURNING stream_id, organization_id, stream_version)
          INSERT INTO event_store.streams (stream_id, organization_id, version)
          SELECT stream_id, min(organization_id), max(stream_version) FROM inserted GROUP BY stream_id
          ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version`.execute(db);
        relay.wakeIfLeader();
        trace.appended += rows.length;
        if (measuring) appended += rows.length;
        next = due;
      }
      const spent = Date.now() - now;
      if (spent > TICK_MS * 4) late++;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS * 4 - spent)));
    }
    const measuredSeconds = (Date.now() - measureFrom) / 1000;
    const appendRate = appended / measuredSeconds;
    // The backlog left when the load stops: how long the projection takes to catch up.
    const drainStarted = Date.now();
    for (;;) {
      const { rows } = await sql<{ behind: string }>`
        SELECT count(*) AS behind FROM event_store.streams s
          LEFT JOIN event_store.consumer_positions p ON p.stream_id = s.stream_id AND p.consumer = ${METRICS_CONSUMER}
         WHERE coalesce(p.stream_version, 0) < s.version`.execute(db);
      if (rows[0]!.behind === '0') break;
      if (Date.now() - drainStarted > 120_000) throw new Error('the projection did not catch up within 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const drainMs = Date.now() - drainStarted;
    clearInterval(tracing);
    deriving = false;
    await derivedLoop;
    measuring = false;
    const p50 = lag.getValueAtPercentile(50);
    const p99 = lag.getValueAtPercentile(99);
    const p999 = lag.getValueAtPercentile(99.9);
    const max = lag.maxValue;
    const summary = `appended ${fmt(appendRate)} events/s (offered ${fmt(RATE)}), projected ${fmt(projected)} events; lag p50 ${p50} ms, p99 ${p99} ms, p99.9 ${p999} ms, max ${max} ms; caught up ${drainMs} ms after the load stopped; the writer fell behind its schedule ${late} times`;
    console.log(summary);
    const met = p99 < TARGET_LAG_MS && max < TARGET_LAG_MS && appendRate >= RATE * 0.97;
    writeResultsSection(
      'metrics-live',
      `## metrics-live (\`pnpm bench:metrics-live\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}. One Node process holds the load generator, the outbox relay and the projection (a \`BatchSubscription\` through \`MetricsProjector.apply\`, and the derived rows recomputed every ${fmt(DERIVED_MS)} ms, as the metrics service runs them); PostgreSQL and NATS share the same 2 cores.

Realistic conversation events (\`libs/demo-history/src/realistic-log.ts\`) written open loop at ${fmt(RATE)} events/s: every 20 ms the events due are committed in one transaction (as many commands' commits arriving together), stamped with that moment; ${WARMUP} s warm-up, ${SECONDS} s measured. Lag: from an event's commit to the commit of the projection batch that applied it.

| offered events/s | appended events/s | projected | lag p50 | p99 | p99.9 | max | catch-up after the load |
|---|---|---|---|---|---|---|---|
| ${fmt(RATE)} | ${fmt(appendRate)} | ${fmt(projected)} | ${p50} ms | ${p99} ms | ${p999} ms | ${max} ms | ${drainMs} ms |

- Target: keeps up with ${fmt(RATE)} events/s with the lag under one second: **${met ? 'met' : 'missed'}** (p99 ${p99} ms, max ${max} ms).`,
    );
  } finally {
    await subscription.stop().catch(() => undefined);
    await relay.stop().catch(() => undefined);
    await db.destroy();
    await nats.cleanup();
    await database.drop();
  }
}

await main();
