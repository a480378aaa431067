/**
 * bench/idle-sockets: what an idle logged-in customer socket costs the gateway. One gateway
 * process (with the identity and conversation services beside it) takes N customer sockets,
 * each logged in with its own token and then silent; the gateway's resident memory (VmRSS) is
 * read at steps on the way, once the sockets have settled, and the cost per socket is the
 * growth over the step before divided by the sockets it added. Routing runs beside them, as in
 * a deployment (it hears of every socket: the gateway reports them periodically); after each
 * step the CPU of the idle system and Redis's commands are counted over IDLE_S seconds (default
 * 20, the gateway's presence refresh period).
 *
 *   pnpm bench:idle-sockets
 *   STEPS=2000,10000 RUNS=1 pnpm bench:idle-sockets
 *
 * Target (issue 14): 20,000 idle sockets on one gateway process, RSS per socket ≤ 20 KB. The
 * machine's open-file limit (hard 20,000 here, for the gateway and for this process alike)
 * caps the last step below 20,000.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TokenService } from '@livedesk/auth';
import { serviceUrls } from '@livedesk/testing';
import { Redis } from 'ioredis';
import { CpuWindow } from '../chat-latency/cpu-usage.js';
import { startSystemUnderTest, type SystemUnderTest } from '../chat-latency/system-under-test.js';
import { mapWithConcurrency } from '../chat-latency/concurrency.js';
import { ProtocolClient } from '../chat-latency/protocol-client.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';

const fileLimit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
const DEFAULT_LAST = Math.min(20_000, fileLimit - 1_000);
const STEPS = (process.env.STEPS ?? `1000,5000,10000,${DEFAULT_LAST}`).split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 3);
const TARGET_KB = 20;
const IDLE_S = Number(process.env.IDLE_S ?? 20);

function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? Number.NaN);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS once it has stopped moving (allocation settles, GC runs): the lowest of a few readings. */
async function settledRss(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 6; i++) {
    await sleep(1_000);
    readings.push(rssKiB(pid));
  }
  return Math.min(...readings.slice(2));
}

/** What the idle system spends over IDLE_S seconds: each process's CPU, and the commands Redis ran. */
async function idleCost(system: SystemUnderTest, redis: Redis): Promise<string> {
  const { gateway, routing } = system.pids();
  const window = new CpuWindow({ gateway, ...(routing === undefined ? {} : { routing }) });
  const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1]);
  const before = await commands();
  window.start();
  await sleep(IDLE_S * 1000);
  window.end();
  // The INFO that read the count before is one of them.
  const perSecond = ((await commands()) - before - 1) / IDLE_S;
  return `${window.describe()}; Redis ${perSecond.toFixed(0)} commands/s`;
}

async function oneRun(run: number): Promise<string[]> {
  const system = await startSystemUnderTest({ RTM_HEARTBEAT_INTERVAL_MS: '30000' }, { routing: true });
  const redis = new Redis((await serviceUrls()).redisUrl);
  const clients: ProtocolClient[] = [];
  const rows: string[] = [];
  try {
    const pid = system.pids().gateway;
    const organizationId = await system.createOrganization('idle sockets bench');
    const jwtSecret = system.jwtSecret;
    // Tokens as the identity service issues them (same secret), without N requests to it.
    const tokens = new TokenService({ secret: jwtSecret, agentTtlSeconds: 3600, customerTtlSeconds: 3600 });

    // A first socket and login warm the gateway's code paths before the baseline is read.
    const open = async (n: number) => {
      const client = await ProtocolClient.connect(`${system.wsBase}/v1/customer/rtm`);
      const { token } = await tokens.issue({ kind: 'customer', organizationId, customerId: `idle-${run}-${n}` });
      await client.request('login', { token });
      return client;
    };
    clients.push(await open(-1));
    let before = await settledRss(pid);
    let opened = 0;
    rows.push(`| ${run} | 1 | ${(before / 1024).toFixed(0)} MiB | | | |`);
    for (const step of STEPS) {
      const added = await mapWithConcurrency(
        Array.from({ length: step - opened }, (_, i) => opened + i),
        50,
        (n) => open(n),
      );
      clients.push(...added);
      const after = await settledRss(pid);
      const perSocket = ((after - before) * 1024) / (step - opened) / 1000;
      const idle = await idleCost(system, redis);
      const row = `| ${run} | ${step.toLocaleString('en-US')} | ${(after / 1024).toFixed(0)} MiB | ${perSocket.toFixed(1)} KB | ${(((after - rowsBaseline(rows)) * 1024) / step / 1000).toFixed(1)} KB | ${idle} |`;
      console.log(row);
      rows.push(row);
      before = after;
      opened = step;
    }
  } finally {
    await mapWithConcurrency(clients, 500, (client) => client.close());
    redis.disconnect();
    await system.stop();
  }
  return rows;
}

/** The RSS of the run's first row (one socket), in KiB. */
function rowsBaseline(rows: string[]): number {
  return Number(rows[0]!.split('|')[3]!.trim().split(' ')[0]) * 1024;
}

async function main(): Promise<void> {
  if (fileLimit < Math.max(...STEPS) + 500)
    throw new Error(`the open-file limit is ${fileLimit}: lower STEPS or raise it`);
  const rows: string[] = [];
  for (let run = 1; run <= RUNS; run++) rows.push(...(await oneRun(run)));
  const last = rows.filter((row) => row.split('|')[2]!.trim() === Math.max(...STEPS).toLocaleString('en-US'));
  const overall = last.map((row) => Number(row.split('|')[5]!.trim().split(' ')[0]));
  writeResultsSection(
    'idle-sockets',
    `## idle-sockets (\`pnpm bench:idle-sockets\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine([`open-file limit ${fileLimit}`])}. One gateway process (identity, conversation and routing services beside it, PostgreSQL, NATS and Redis on the same 2 cores) takes customer sockets from this process, 50 opening at a time, each logged in with its own token and then silent (pings every 30 s). The gateway's VmRSS is read once it settles (the lowest of four readings a second apart) after each step; "per socket" is the growth over the step before divided by the sockets it added, "overall" the growth since one socket divided by all. Then, for ${IDLE_S} s with every socket silent: the CPU of the gateway, routing and the servers (in cores, from /proc; the machine's share busy) and the commands Redis ran a second (its \`total_commands_processed\`); the gateway reports every customer socket to routing once every 20 s (\`RTM_PRESENCE_REFRESH_SECONDS\`).

| run | sockets | gateway RSS | per socket, this step | per socket, overall | while idle |
|---|---|---|---|---|---|
${rows.join('\n')}

- Target: 20,000 idle sockets, RSS per socket ≤ ${TARGET_KB} KB: **${Math.min(...overall).toFixed(1)}–${Math.max(...overall).toFixed(1)} KB** at ${Math.max(...STEPS).toLocaleString('en-US')} sockets (${Math.max(...overall) <= TARGET_KB ? 'met' : 'missed'}${Math.max(...STEPS) < 20_000 ? `; the open-file limit of ${fileLimit} stops the last step short of 20,000` : ''}).`,
  );
  console.log('written to bench/RESULTS.md');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
