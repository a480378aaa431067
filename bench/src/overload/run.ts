/**
 * bench/overload: the chat loop offered more than it sustains (issue 14: "overload degrades,
 * never collapses"). The chat-latency setup (customers with a chat each, agents holding them,
 * the real gateway, identity and conversation services on this machine), then an open-loop
 * load at RATE (default 2,000 messages/s, about twice what the machine sustains with 5,000
 * sockets), once per mode:
 *
 * - `shedding`: the gateway's overload bounds (RTM_OVERLOAD_*, its defaults unless
 *   MAX_IN_FLIGHT, MAX_PUSH_LAG_MS, RETRY_AFTER_MS are given);
 * - `unbounded`: both bounds off (0), as before admission control: the anchor of the same run.
 *
 * A refused send is not sent again (the offered rate stays what it is). Reports the sends
 * accepted and shed, the latency of the accepted messages (scheduled send → the agent's push,
 * and → the sender's success response), how far the pushes ran behind the stored events
 * (receipt − the event's `created_at`), and the same over time with the gateway's own figures
 * (`rtm_push_lag_seconds`, `rtm_conversation_requests_in_flight` from its /metrics). Writes its
 * section of bench/RESULTS.md.
 *
 *   pnpm bench:overload
 *   CONNECTIONS=2000 RATE=1500 MODES=shedding node bench/dist/overload/run.js
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import hdr from 'hdr-histogram-js';
import { settle } from '../chat-latency/connected-target.js';
import { CpuWindow } from '../chat-latency/cpu-usage.js';
import { MESSAGE_TEXT } from '../chat-latency/load.js';
import { checkFileLimit, type BenchOptions } from '../chat-latency/options.js';
import { startSystemUnderTest } from '../chat-latency/system-under-test.js';
import { connectSystemTarget } from '../chat-latency/system-target.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';

type Mode = 'shedding' | 'unbounded';

/** The chat-latency bench's load (sockets, rate, windows), run in each of `modes`. */
interface Options extends Omit<BenchOptions, 'targets'> {
  modes: Mode[];
  /** RTM_OVERLOAD_* of the `shedding` mode (absent: the gateway's defaults). */
  bounds: Record<string, string>;
}

function readOptions(env = process.env): Options {
  const number = (name: string, fallback: number, min: number) => {
    const value = env[name];
    const parsed = value === undefined || value === '' ? fallback : Number(value);
    if (!Number.isFinite(parsed) || parsed < min) throw new Error(`${name} must be a number ≥ ${min}, got ${value}`);
    return parsed;
  };
  const connections = Math.round(number('CONNECTIONS', 5000, 2));
  const agents = Math.round(number('AGENTS', Math.max(1, Math.round(connections / 50)), 1));
  if ((connections - agents) / agents > 100) throw new Error('an agent holds at most 100 chats: raise AGENTS');
  const modes = (env.MODES ?? 'shedding,unbounded').split(',').map((m) => m.trim());
  for (const mode of modes)
    if (mode !== 'shedding' && mode !== 'unbounded') throw new Error(`MODES: unknown ${mode} (shedding, unbounded)`);
  const bounds: Record<string, string> = {};
  for (const [variable, name] of [
    ['RTM_OVERLOAD_MAX_IN_FLIGHT', 'MAX_IN_FLIGHT'],
    ['RTM_OVERLOAD_MAX_PUSH_LAG_MS', 'MAX_PUSH_LAG_MS'],
    ['RTM_OVERLOAD_RETRY_AFTER_MS', 'RETRY_AFTER_MS'],
  ] as const) {
    if (env[name]) bounds[variable] = String(number(name, 0, 0));
  }
  return {
    connections,
    agents,
    customers: connections - agents,
    rate: number('RATE', 2000, 1),
    warmupSeconds: number('WARMUP_S', 5, 0),
    durationSeconds: number('DURATION_S', 30, 1),
    drainSeconds: number('DRAIN_S', 10, 1),
    openConcurrency: Math.round(number('OPEN_CONCURRENCY', 100, 1)),
    modes: modes as Mode[],
    bounds,
  };
}

interface Second {
  offered: number;
  accepted: number;
  shed: number;
  /** Refusals other than `overloaded` (a timeout's `dependency_unavailable`, `expired`, …). */
  failed: number;
  /** Push lags (ms) of the messages the agents received in this second. */
  lags: number[];
  /** The gateway's own figures, scraped in this second. */
  gatewayLagSeconds?: number;
  gatewayInFlight?: number;
}

interface Measured {
  offered: number;
  accepted: number;
  shed: number;
  failed: Record<string, number>;
  unanswered: number;
  /** Accepted messages not received by their agent by the end of the drain. */
  undelivered: number;
  delivered: Percentiles;
  answered: Percentiles;
  pushLag: Percentiles;
  seconds: Second[];
  cpu: string;
  rss: string;
  setupSeconds: number;
  settleSeconds: number;
  retryHints: Percentiles | undefined;
}

interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

const histogram = () =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
type Histogram = ReturnType<typeof histogram>;
const percentiles = (h: Histogram): Percentiles => {
  const at = (p: number) => Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000;
  return { p50: at(50), p99: at(99), max: h.maxValue / 1000 };
};
const record = (h: Histogram, ms: number) => h.recordValue(Math.max(1, Math.round(ms * 1000)));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The value of an unlabelled-but-for-`service` series on a /metrics page. */
function metricOf(page: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(page);
  return match ? Number(match[1]) : undefined;
}

async function measure(options: Options, mode: Mode): Promise<Measured> {
  const env =
    mode === 'unbounded' ? { RTM_OVERLOAD_MAX_IN_FLIGHT: '0', RTM_OVERLOAD_MAX_PUSH_LAG_MS: '0' } : options.bounds;
  const system = await startSystemUnderTest(env);
  try {
    const setupStarted = performance.now();
    const target = await connectSystemTarget({
      ...system,
      customers: options.customers,
      agents: options.agents,
      concurrency: options.openConcurrency,
    });
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const settleSeconds = await settle(target);
    console.log(
      `  ${options.connections} sockets open in ${setupSeconds.toFixed(1)} s, quiet ${settleSeconds.toFixed(1)} s later`,
    );
    const pids = system.pids();
    const cpu = new CpuWindow({ bench: process.pid, ...pids });

    const { rate } = options;
    const interval = 1000 / rate;
    const warmup = Math.round(options.warmupSeconds * rate);
    const total = warmup + Math.round(options.durationSeconds * rate);
    const prefix = `o${Date.now().toString(36)}-`;
    const state = new Uint8Array(total); // 0 unanswered, 1 accepted, 2 shed, 3 failed otherwise
    const delivered = new Uint8Array(total);
    const start = performance.now() + 50;
    const scheduledAt = (i: number) => start + i * interval;
    const seconds: Second[] = Array.from(
      { length: Math.ceil(options.warmupSeconds + options.durationSeconds + options.drainSeconds) + 2 },
      () => ({ offered: 0, accepted: 0, shed: 0, failed: 0, lags: [] }),
    );
    const secondOf = (at: number) =>
      seconds[Math.min(seconds.length - 1, Math.max(0, Math.floor((at - start) / 1000)))]!;
    const deliveredLatency = histogram();
    const answeredLatency = histogram();
    const pushLag = histogram();
    const hints = histogram();
    const failed: Record<string, number> = {};
    const indexOf = (clientId: string) => {
      if (!clientId.startsWith(prefix)) return -1;
      const i = Number(clientId.slice(prefix.length));
      return Number.isInteger(i) && i >= 0 && i < total ? i : -1;
    };

    target.onAnswered?.((clientId, success, receivedAt, error) => {
      const i = indexOf(clientId);
      if (i < 0 || state[i]) return;
      const second = secondOf(scheduledAt(i));
      if (success) {
        state[i] = 1;
        second.accepted++;
        if (i >= warmup) record(answeredLatency, receivedAt - scheduledAt(i));
      } else if (error?.code === 'unavailable' && error.reason === 'overloaded') {
        state[i] = 2;
        second.shed++;
        if (i >= warmup && error.retry_after_ms !== undefined) record(hints, error.retry_after_ms);
      } else {
        state[i] = 3;
        second.failed++;
        const key = `${error?.code ?? 'internal'}${error?.reason ? ` (${error.reason})` : ''}`;
        if (i >= warmup) failed[key] = (failed[key] ?? 0) + 1;
      }
    });
    target.onReceived((clientId, receivedAt, storedAt) => {
      const i = indexOf(clientId);
      if (i < 0 || delivered[i]) return;
      delivered[i] = 1;
      const lag = storedAt === undefined ? undefined : Math.max(0, performance.timeOrigin + receivedAt - storedAt);
      if (lag !== undefined) secondOf(receivedAt).lags.push(lag);
      if (i < warmup) return;
      record(deliveredLatency, receivedAt - scheduledAt(i));
      if (lag !== undefined) record(pushLag, lag);
    });

    // The gateway's own view, once a second.
    let scraping = true;
    const scraper = (async () => {
      while (scraping) {
        const at = performance.now();
        try {
          const page = await (await fetch(`${system.httpBase}/metrics`)).text();
          const second = secondOf(at);
          second.gatewayLagSeconds = Math.max(
            second.gatewayLagSeconds ?? 0,
            metricOf(page, 'rtm_push_lag_seconds') ?? 0,
          );
          second.gatewayInFlight = Math.max(
            second.gatewayInFlight ?? 0,
            metricOf(page, 'rtm_conversation_requests_in_flight') ?? 0,
          );
        } catch {
          // a scrape that failed under load is a gap in the timeline
        }
        await sleep(Math.max(0, 1000 - (performance.now() - at)));
      }
    })();

    const rssBefore = rssMiB(pids.gateway);
    let next = 0;
    let windowStarted = false;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (!windowStarted && next >= warmup) {
          windowStarted = true;
          cpu.start();
        }
        while (next < total && scheduledAt(next) <= now) {
          secondOf(scheduledAt(next)).offered++;
          target.send(next % target.customers, `${prefix}${next}`, MESSAGE_TEXT);
          next++;
        }
        if (next >= total) return resolve();
        setTimeout(tick, Math.max(0, scheduledAt(next) - performance.now()));
      };
      setTimeout(tick, Math.max(0, start - performance.now()));
    });
    cpu.end();
    console.log(`  ${total} sends scheduled; draining`);
    const rssAtEnd = rssMiB(pids.gateway);
    const drainDeadline = performance.now() + options.drainSeconds * 1000;
    const outstanding = () => {
      for (let i = 0; i < total; i++) if (state[i] === 0 || (state[i] === 1 && !delivered[i])) return true;
      return false;
    };
    while (performance.now() < drainDeadline && outstanding()) await sleep(100);
    scraping = false;
    await scraper;
    const crash = system.crashed();
    if (crash) throw new Error(crash);

    const gaveUpAt = performance.now();
    let undelivered = 0;
    let unanswered = 0;
    let accepted = 0;
    let shed = 0;
    for (let i = warmup; i < total; i++) {
      if (state[i] === 0) unanswered++;
      if (state[i] === 2) shed++;
      if (state[i] !== 1) continue;
      accepted++;
      if (delivered[i]) continue;
      undelivered++;
      record(deliveredLatency, gaveUpAt - scheduledAt(i));
    }
    const result: Measured = {
      offered: total - warmup,
      accepted,
      shed,
      failed,
      unanswered,
      undelivered,
      delivered: percentiles(deliveredLatency),
      answered: percentiles(answeredLatency),
      pushLag: percentiles(pushLag),
      seconds,
      cpu: cpu.describe(),
      rss: `${rssBefore ?? '?'} → ${rssAtEnd ?? '?'} MiB`,
      setupSeconds,
      settleSeconds,
      retryHints: hints.totalCount > 0 ? percentiles(hints) : undefined,
    };
    for (const h of [deliveredLatency, answeredLatency, pushLag, hints]) h.destroy();
    console.log('  drained; closing the sockets');
    await target.close();
    return result;
  } finally {
    await system.stop();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(1) : fmt(n));
const pct = (p: Percentiles) => `${ms(p.p50)} / ${ms(p.p99)} / ${ms(p.max)}`;
const failedText = (failed: Record<string, number>) =>
  Object.keys(failed).length === 0
    ? '0'
    : Object.entries(failed)
        .map(([key, n]) => `${fmt(n)} ${key}`)
        .join(', ');
const quantile = (values: number[], q: number) => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

function timeline(options: Options, m: Measured, step = 5): string[] {
  const lines = [
    `| seconds | offered/s | accepted/s | shed/s | other refusals/s | push lag p50 / max, ms (received then) | gateway's push lag, s (max) | gateway's requests in flight (max) |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  const last = Math.ceil(options.warmupSeconds + options.durationSeconds + options.drainSeconds);
  for (let from = 0; from < last; from += step) {
    const window = m.seconds.slice(from, from + step);
    if (window.length === 0) break;
    const sum = (pick: (s: Second) => number) => window.reduce((n, s) => n + pick(s), 0) / window.length;
    const lags = window.flatMap((s) => s.lags);
    const gatewayLag = Math.max(...window.map((s) => s.gatewayLagSeconds ?? 0));
    const inFlight = Math.max(...window.map((s) => s.gatewayInFlight ?? 0));
    const p50 = quantile(lags, 0.5);
    const max = lags.length ? Math.max(...lags) : undefined;
    const phase =
      from < options.warmupSeconds
        ? ' (warm-up)'
        : from >= options.warmupSeconds + options.durationSeconds
          ? ' (drain)'
          : '';
    lines.push(
      `| ${from}–${from + step}${phase} | ${fmt(sum((s) => s.offered))} | ${fmt(sum((s) => s.accepted))} | ${fmt(sum((s) => s.shed))} | ${fmt(sum((s) => s.failed))} | ${p50 === undefined ? '–' : `${ms(p50)} / ${ms(max!)}`} | ${gatewayLag.toFixed(1)} | ${fmt(inFlight)} |`,
    );
  }
  return lines;
}

function report(options: Options, outcomes: Partial<Record<Mode, Measured | string>>): string {
  const bounds = Object.keys(options.bounds).length
    ? Object.entries(options.bounds)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')
    : "the gateway's defaults (RTM_OVERLOAD_MAX_IN_FLIGHT 256, RTM_OVERLOAD_MAX_PUSH_LAG_MS 2000, RTM_OVERLOAD_RETRY_AFTER_MS 1000)";
  const lines = [
    '## overload (`pnpm bench:overload`)',
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}. The load generator, the gateway, identity and conversation services, PostgreSQL, NATS and Redis share this machine's ${os.cpus().length} cores.`,
    '',
    `${fmt(options.connections)} sockets (${fmt(options.customers)} customers with a chat each, ${fmt(options.agents)} agents), ${fmt(options.rate)} messages/s offered open-loop, ${options.warmupSeconds} s warm-up, ${options.durationSeconds} s measured, up to ${options.drainSeconds} s drain; a refused send is not sent again. \`shedding\`: ${bounds}; \`unbounded\`: both bounds 0 (off). Latencies in ms, p50 / p99 / max, of the measured messages: "to the agent" from the scheduled send to the agent's push (an accepted message not pushed by the end of the drain counts with the time it had waited); "answered" to the sender's success response; "push lag" the push's receipt minus the stored event's \`created_at\`.`,
    '',
    '| mode | offered | accepted | shed (`overloaded`) | other refusals | unanswered | accepted, to the agent | accepted, answered | push lag | accepted not pushed | gateway RSS | CPU |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const mode of options.modes) {
    const m = outcomes[mode];
    if (m === undefined) continue;
    if (typeof m === 'string') {
      lines.push(`| ${mode} | failed: ${m.split('\n')[0]!.replace(/\|/g, '\\|').slice(0, 200)} | | | | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${mode} | ${fmt(m.offered)} | ${fmt(m.accepted)} (${fmt(m.accepted / options.durationSeconds)}/s) | ${fmt(m.shed)} | ${failedText(m.failed)} | ${fmt(m.unanswered)} | ${pct(m.delivered)} | ${pct(m.answered)} | ${pct(m.pushLag)} | ${fmt(m.undelivered)} | ${m.rss} | ${m.cpu} |`,
    );
  }
  for (const mode of options.modes) {
    const m = outcomes[mode];
    if (m === undefined || typeof m === 'string') continue;
    lines.push('', `${mode}, over time (5 s steps, from the first scheduled send):`, '', ...timeline(options, m));
    if (m.retryHints)
      lines.push(
        '',
        `- retry_after_ms of the refusals: p50 ${fmt(m.retryHints.p50)}, p99 ${fmt(m.retryHints.p99)}, max ${fmt(m.retryHints.max)}.`,
      );
    lines.push(`- setup: sockets open in ${m.setupSeconds.toFixed(1)} s, quiet ${m.settleSeconds.toFixed(1)} s later.`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = readOptions();
  checkFileLimit(options.connections);
  console.log(`overload: ${JSON.stringify(options)}`);
  const outcomes: Partial<Record<Mode, Measured | string>> = {};
  for (const mode of options.modes) {
    console.log(`${mode}:`);
    try {
      const m = await measure(options, mode);
      outcomes[mode] = m;
      console.log(
        `  accepted ${m.accepted}, shed ${m.shed}, other ${failedText(m.failed)}, unanswered ${m.unanswered}; to the agent ${pct(m.delivered)}; answered ${pct(m.answered)}; push lag ${pct(m.pushLag)}; not pushed ${m.undelivered}; RSS ${m.rss}; CPU ${m.cpu}`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`  ${mode} failed: ${message}`);
      outcomes[mode] = message;
    }
  }
  const markdown = report(options, outcomes);
  console.log(`\n${markdown}\n`);
  if (Object.values(outcomes).some((o) => typeof o === 'object')) {
    writeResultsSection('overload', markdown);
    console.log('written to bench/RESULTS.md');
  }
  if (Object.values(outcomes).some((o) => typeof o === 'string')) process.exitCode = 1;
}

await main();
