/**
 * bench/chat-latency: the chat loop under load. N customer and agent sockets on loopback;
 * customers post messages at a fixed open-loop rate; the latency is measured from a message's
 * scheduled send to its agent's receipt of the `incoming_event` push, after the message was
 * stored in Postgres and relayed through JetStream (gateway → conversation → event store →
 * outbox relay → JetStream → gateway fan-out). In the same run, the same sockets and rate
 * against a bare `ws` relay (no storage): the floor of the library and the machine, and the
 * ratio between the two. Writes its section of bench/RESULTS.md.
 *
 *   pnpm bench:chat-latency
 *   CONNECTIONS=1000 RATE=500 DURATION_S=10 pnpm bench:chat-latency
 *   node bench/dist/chat-latency/run.js --targets=relay --duration-s=5
 *
 * Target: p99 ≤ 50 ms at 1,000 messages/s with 5,000 connections open.
 */
import os from 'node:os';
import { machineLine, writeResultsSection } from '../results/results-file.js';
import { startBareRelayProcess } from './bare-relay.js';
import { settle, type ConnectedTarget } from './connected-target.js';
import { CpuWindow } from './cpu-usage.js';
import { runOpenLoad, type LoadResult } from './load.js';
import { checkFileLimit, readOptions, type BenchOptions, type TargetName } from './options.js';
import { connectRelayTarget } from './relay-target.js';
import { startSystemUnderTest } from './system-under-test.js';
import { connectSystemTarget } from './system-target.js';

const TARGET_MS = 50;

interface Measured {
  result: LoadResult;
  failures: Record<string, number>;
  cpu: string;
  setupSeconds: number;
  /** How long the sockets kept receiving after the setup (pushes of the setup itself). */
  settleSeconds: number;
}

type Outcome = { measured: Measured } | { error: string };

async function measure(
  options: BenchOptions,
  connect: () => Promise<ConnectedTarget>,
  processes: Record<string, number>,
  crashed: () => string | undefined = () => undefined,
): Promise<Measured> {
  const setupStarted = performance.now();
  const target = await connect();
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const settleSeconds = await settle(target);
  console.log(
    `  ${options.connections} sockets open in ${setupSeconds.toFixed(1)} s, quiet after another ${settleSeconds.toFixed(1)} s; ${options.warmupSeconds} s warm-up, ${options.durationSeconds} s measured at ${options.rate} messages/s`,
  );
  const cpu = new CpuWindow({ bench: process.pid, ...processes });
  try {
    const result = await runOpenLoad(target, {
      rate: options.rate,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      drainSeconds: options.drainSeconds,
      onWindow: (edge) => (edge === 'start' ? cpu.start() : cpu.end()),
    });
    const crash = crashed();
    if (crash) throw new Error(crash);
    return { result, failures: target.failures(), cpu: cpu.describe(), setupSeconds, settleSeconds };
  } finally {
    await target.close();
  }
}

async function measureRelay(options: BenchOptions): Promise<Measured> {
  const relay = await startBareRelayProcess();
  try {
    return await measure(
      options,
      () => connectRelayTarget(relay.port, options.customers, options.agents, options.openConcurrency),
      { relay: relay.pid },
    );
  } finally {
    await relay.stop();
  }
}

async function measureSystem(options: BenchOptions): Promise<Measured> {
  const system = await startSystemUnderTest();
  try {
    return await measure(
      options,
      () =>
        connectSystemTarget({
          ...system,
          customers: options.customers,
          agents: options.agents,
          concurrency: options.openConcurrency,
        }),
      system.pids(),
      () => system.crashed(),
    );
  } finally {
    await system.stop();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : fmt(n));
const ratio = (a: number, b: number) => (b > 0 ? `${a / b < 100 ? (a / b).toFixed(1) : fmt(a / b)} ×` : '–');
const failuresText = (failures: Record<string, number>) =>
  Object.keys(failures).length === 0
    ? '0'
    : Object.entries(failures)
        .map(([code, n]) => `${fmt(n)} ${code}`)
        .join(', ');

function row(label: string, outcome: Outcome | undefined): string {
  if (!outcome) return `| ${label} | not run | | | | | | |`;
  if ('error' in outcome)
    return `| ${label} | failed: ${outcome.error.split('\n')[0]!.replace(/\|/g, '\\|').slice(0, 200)} | | | | | | |`;
  const { result, failures } = outcome.measured;
  return `| ${label} | ${ms(result.p50)} | ${ms(result.p99)} | ${ms(result.p999)} | ${ms(result.max)} | ${fmt(result.sustainedPerSecond)} | ${fmt(result.undelivered)} of ${fmt(result.measured)} | ${failuresText(failures)} |`;
}

function report(options: BenchOptions, outcomes: Partial<Record<TargetName, Outcome>>, fileLimit: number): string {
  const relay = outcomes.relay && 'measured' in outcomes.relay ? outcomes.relay.measured : undefined;
  const system = outcomes.system && 'measured' in outcomes.system ? outcomes.system.measured : undefined;
  const lines = [
    `## chat-latency (\`pnpm bench:chat-latency\`)`,
    '',
    `Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine([`open-file limit ${fileLimit}`])}. The load generator (one Node process holding every socket), the services (gateway, identity and conversation, each its own Node process), PostgreSQL, NATS and Redis all share this machine's ${os.cpus().length} cores; nothing ran on a separate load machine.`,
    '',
    `${fmt(options.connections)} WebSocket connections on loopback (${fmt(options.customers)} customers with one chat each, ${fmt(options.agents)} agents holding about ${fmt(options.customers / options.agents)} chats each); ${fmt(options.rate)} messages/s offered open-loop (each send at its scheduled time whatever came back; latency from the scheduled time, so a stall is not hidden by coordinated omission), ${options.warmupSeconds} s warm-up, ${options.durationSeconds} s measured, ${options.drainSeconds} s drain. Latency: a customer's scheduled send to the agent's receipt, in ms. A message not delivered by the end of the drain counts with the latency it had by then.`,
    '',
    '| target | p50 | p99 | p99.9 | max | delivered/s | undelivered | failed sends |',
    '|---|---|---|---|---|---|---|---|',
    row('bare `ws` relay (no parsing, no storage)', outcomes.relay),
    row('livedesk: gateway → conversation → Postgres → JetStream → gateway', outcomes.system),
  ];
  if (relay && system) {
    lines.push(
      `| livedesk / relay | ${ratio(system.result.p50, relay.result.p50)} | ${ratio(system.result.p99, relay.result.p99)} | ${ratio(system.result.p999, relay.result.p999)} | ${ratio(system.result.max, relay.result.max)} | | | |`,
    );
  }
  lines.push('');
  const atTarget = options.connections >= 5000 && options.rate >= 1000;
  if (system) {
    const met =
      system.result.p99 <= TARGET_MS &&
      system.result.undelivered === 0 &&
      system.result.sustainedPerSecond >= 0.98 * options.rate;
    lines.push(
      `- Target: p99 ≤ ${TARGET_MS} ms at 1,000 messages/s with 5,000 connections open: **${ms(system.result.p99)} ms** at ${fmt(options.rate)} messages/s with ${fmt(options.connections)} connections (${atTarget ? (met ? 'met' : 'missed') : 'not the target load: not a verdict'}).`,
    );
  } else {
    lines.push(
      `- Target: p99 ≤ ${TARGET_MS} ms at 1,000 messages/s with 5,000 connections open: not measured (${outcomes.system ? 'the system run failed' : 'the system was not run'}).`,
    );
  }
  const answered = system?.result.answered;
  if (answered) {
    lines.push(
      `- livedesk, scheduled send → the customer's successful \`send_event\` response (the message is stored; before the relay to JetStream and the push): p50 ${ms(answered.p50)}, p99 ${ms(answered.p99)}, p99.9 ${ms(answered.p999)}, max ${ms(answered.max)} ms; of ${fmt(system.result.measured)} measured sends ${fmt(answered.succeeded)} succeeded, ${fmt(answered.failed)} failed, ${fmt(answered.unanswered)} unanswered by the end of the drain.`,
    );
  }
  for (const [name, outcome] of Object.entries(outcomes)) {
    if (!outcome || !('measured' in outcome)) continue;
    const { result, cpu, setupSeconds, settleSeconds } = outcome.measured;
    lines.push(
      `- ${name}: sockets open in ${setupSeconds.toFixed(1)} s, quiet ${settleSeconds.toFixed(1)} s later; the generator sent late by at most ${ms(result.sendLagMax)} ms (p99 ${ms(result.sendLagP99)} ms); ${fmt(result.duplicates)} duplicate deliveries; CPU during the measured window: ${cpu}.`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = readOptions();
  const fileLimit = checkFileLimit(options.connections);
  console.log(`chat-latency: ${JSON.stringify(options)}`);
  const outcomes: Partial<Record<TargetName, Outcome>> = {};
  for (const target of options.targets) {
    console.log(`${target}:`);
    try {
      const measured = target === 'relay' ? await measureRelay(options) : await measureSystem(options);
      const r = measured.result;
      console.log(
        `  p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, p99.9 ${ms(r.p999)} ms, max ${ms(r.max)} ms; ${fmt(r.sustainedPerSecond)} delivered/s; undelivered ${r.undelivered}/${r.measured}; failed sends ${failuresText(measured.failures)}; CPU ${measured.cpu}`,
      );
      if (r.answered) {
        const a = r.answered;
        console.log(
          `  stored (success response): p50 ${ms(a.p50)} ms, p99 ${ms(a.p99)} ms, p99.9 ${ms(a.p999)} ms, max ${ms(a.max)} ms; ${a.succeeded} succeeded, ${a.failed} failed, ${a.unanswered} unanswered`,
        );
      }
      outcomes[target] = { measured };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`  ${target} failed: ${message}`);
      outcomes[target] = { error: message };
    }
  }
  const markdown = report(options, outcomes, fileLimit);
  console.log(`\n${markdown}\n`);
  if (Object.values(outcomes).some((outcome) => outcome && 'measured' in outcome)) {
    writeResultsSection('chat-latency', markdown);
    console.log('written to bench/RESULTS.md');
  }
  if (Object.values(outcomes).some((outcome) => outcome && 'error' in outcome)) process.exitCode = 1;
}

await main();
