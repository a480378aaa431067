/**
 * bench/reconnect-storm: N customers, each with a chat, come back at once, twice:
 *
 * 1. storm: every socket closes, then all reconnect together, log in with their tokens and
 *    resume their chat (`get_chat` after the version they had); the time until the last one
 *    has resumed.
 * 2. gateway killed: while customers are writing, the gateway process is killed (SIGKILL) with
 *    every socket on it and started again on its port; each customer reconnects (retrying
 *    until the gateway answers), logs in, sends again what was not acknowledged (same
 *    `client_id`, so a message that was stored is not stored twice) and resumes. The time from
 *    the kill until the last one has resumed, and a check that every message is in its chat
 *    exactly once: none lost, none doubled.
 *
 *   pnpm bench:reconnect-storm
 *   CUSTOMERS=1000 RUNS=1 pnpm bench:reconnect-storm
 *   WITH_ROUTING=1 pnpm bench:reconnect-storm      (routing runs too and hears of every socket)
 *
 * On one host the 5,000 connections' SYNs arrive in one burst: raise the kernel's receive backlog
 * first (`sysctl -w net.core.netdev_max_backlog=10000`), or the packets past it are dropped and
 * their connections wait for TCP's retry; the drops during the storm are reported.
 *
 * Target (issue 14): 5,000 customers reconnect, log in and resume in ≤ 5 s; a gateway killed
 * with 5,000 sockets: every client back and resumed, 0 messages lost.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TokenService } from '@livedesk/auth';
import { startSystemUnderTest } from '../chat-latency/system-under-test.js';
import { mapWithConcurrency } from '../chat-latency/concurrency.js';
import { type OpeningSteps, ProtocolClient, ProtocolRequestError } from '../chat-latency/protocol-client.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 5000);
const RUNS = Number(process.env.RUNS ?? 3);
/** Customers writing when the gateway is killed, one message each, spread over WRITE_MS. */
const WRITERS = Math.min(CUSTOMERS, Number(process.env.WRITERS ?? 1000));
const WRITE_MS = 2_000;
const TARGET_SECONDS = 5;
/** WITH_ROUTING=1: the routing service runs too, and hears of every socket (as in production). */
const WITH_ROUTING = process.env.WITH_ROUTING === '1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Customer {
  token: string;
  chatId: string;
  version: number;
  client?: ProtocolClient;
  /** client ids of messages sent and not acknowledged yet */
  unacknowledged: Set<string>;
  sent: string[];
}

interface ChatPage {
  events: { version: number; type: string; data: { client_id?: string } }[];
  has_more: boolean;
  next_since_version: number;
}

/**
 * Attempts to open a socket that failed and were made again (refused while the gateway starts
 * again, or an opening handshake unanswered for 5 s), with how long each took to fail.
 */
let failedConnects: { reason: string; ms: number }[] = [];
/** Each socket's opening, in the storm: asked for, its steps, open (`performance.now()`). */
interface ConnectPhases extends OpeningSteps {
  started: number;
  opened: number;
}
let connectPhases: ConnectPhases[] = [];

/**
 * Where the sockets' opening went: the last socket to open, step by step, and when the sockets
 * had TCP connected and their upgrade answered (p50 / max), in seconds from the storm's start. A
 * late TCP connect is the kernel's or the bench's; a late answer after an early connect, the gateway's.
 */
function describeConnectPhases(all: readonly ConnectPhases[], from: number): string {
  if (all.length === 0) return 'no socket opened';
  const at = (t: number | undefined) => (t === undefined ? '?' : ((t - from) / 1000).toFixed(2));
  const last = all.reduce((latest, phases) => (phases.opened > latest.opened ? phases : latest));
  const spread = (times: number[]) => {
    const sorted = times.sort((a, b) => a - b);
    return `${at(sorted[Math.floor(sorted.length / 2)])} / ${at(sorted.at(-1))}`;
  };
  return `last socket: asked at ${at(last.started)}, TCP connected ${at(last.tcp)}, upgrade written ${at(last.written)}, answered ${at(last.upgraded)} s; all sockets p50 / max: TCP connected ${spread(all.map((p) => p.tcp ?? p.opened))}, upgrade answered ${spread(all.map((p) => p.upgraded ?? p.opened))} s`;
}

/** `2 (2 Opening handshake has timed out after 5001–5004 ms)`: how many, then each reason (digits as N) with the range of times; or `0`. */
function describeFailedConnects(failures: readonly { reason: string; ms: number }[]): string {
  if (failures.length === 0) return '0';
  const byReason = new Map<string, number[]>();
  for (const { reason, ms } of failures) byReason.set(reason, [...(byReason.get(reason) ?? []), ms]);
  const parts = [...byReason].map(
    ([reason, times]) =>
      `${times.length} ${reason} after ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms`,
  );
  return `${failures.length} (${parts.join('; ')})`;
}

/** Connects, retrying while nothing answers on the port (a gateway starting again). */
async function connectRetrying(url: string, deadline: number): Promise<ProtocolClient> {
  for (;;) {
    const attempt = performance.now();
    try {
      const phases: OpeningSteps = {};
      const client = await ProtocolClient.connect(url, 5_000, phases);
      connectPhases.push({ started: attempt, ...phases, opened: performance.now() });
      return client;
    } catch (error) {
      failedConnects.push({
        reason: error instanceof Error ? error.message.replace(/\d+/g, 'N') : String(error),
        ms: performance.now() - attempt,
      });
      if (performance.now() > deadline) throw error;
      await sleep(100 + Math.random() * 100);
    }
  }
}

/** Requests answered `unavailable` or `rate_limited` (the gateway shedding load), as the SDK does: asked again after their retry hint. */
let retried = 0;
async function requestRetrying<T>(
  client: ProtocolClient,
  action: string,
  payload: unknown,
  deadline: number,
): Promise<T> {
  for (;;) {
    try {
      return await client.request<T>(action, payload);
    } catch (error) {
      const code = error instanceof ProtocolRequestError ? error.error.code : undefined;
      if ((code !== 'unavailable' && code !== 'rate_limited') || performance.now() > deadline) throw error;
      retried += 1;
      // Jittered, so that a crowd refused together does not come back together.
      await sleep(((error as ProtocolRequestError).error.retry_after_ms ?? 1_000) * (0.5 + Math.random()));
    }
  }
}

/**
 * Packets the kernel has dropped from its per-core receive backlogs since boot (second column
 * of `/proc/net/softnet_stat`, hexadecimal), or undefined where that cannot be read. The
 * bench's 5,000 connections come over loopback from one process, so their SYNs arrive in one
 * burst; past `net.core.netdev_max_backlog` packets the kernel drops them, and a dropped SYN
 * comes back only after TCP's retry (1 s, then 3 s…), which sets a storm's figure alone.
 */
function backlogDrops(): number | undefined {
  try {
    return readFileSync('/proc/net/softnet_stat', 'utf8')
      .trim()
      .split('\n')
      .reduce((sum, line) => sum + Number.parseInt(line.trim().split(/\s+/)[1] ?? '0', 16), 0);
  } catch {
    return undefined;
  }
}

/** A counter of the kernel's TCP statistics since boot (`/proc/net/netstat`, `TcpExt:` lines), or undefined. */
function tcpExtCounter(name: string): number | undefined {
  try {
    const [header, values] = readFileSync('/proc/net/netstat', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('TcpExt:'))
      .map((line) => line.split(/\s+/));
    const index = header?.indexOf(name) ?? -1;
    return index > 0 && values?.[index] !== undefined ? Number(values[index]) : undefined;
  } catch {
    return undefined;
  }
}

/** What the kernel counted while `during` ran: receive-backlog drops, SYNs dropped at a full accept queue, SYN and SYN-ACK retransmissions. */
async function kernelDropsDuring(during: () => Promise<void>): Promise<string> {
  const read = () => [backlogDrops(), tcpExtCounter('ListenDrops'), tcpExtCounter('TCPSynRetrans')];
  const before = read();
  await during();
  const after = read();
  const delta = (i: number) =>
    before[i] === undefined || after[i] === undefined ? '?' : String(after[i]! - before[i]!);
  return `${delta(0)} / ${delta(1)} / ${delta(2)}`;
}

function netdevMaxBacklog(): string {
  try {
    return readFileSync('/proc/sys/net/core/netdev_max_backlog', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** When the last customer of the storm had its socket open, and had logged in (where the time goes). */
const phases = { connected: 0, loggedIn: 0 };

/** Sockets that closed under a customer while it resumed (a login timeout, a missed heartbeat), opened again as the SDK does. */
let dropped = 0;

/** Customers whose login listed their chat at the version they held: resumed without a `get_chat`. */
let resumedWithoutRead = 0;

/**
 * Logs in, sends again what was not acknowledged, and reads the chat after the version it had;
 * when the socket closes under it meanwhile, starts again on a new one, as `@livedesk/client`
 * reconnects after a drop.
 */
async function resume(customer: Customer, url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      return await resumeOnce(customer, url, deadline);
    } catch (error) {
      if (error instanceof ProtocolRequestError || performance.now() > deadline) throw error;
      dropped += 1;
      await customer.client?.close().catch(() => undefined);
      await sleep(100 + Math.random() * 400);
    }
  }
}

async function resumeOnce(customer: Customer, url: string, deadline: number): Promise<void> {
  customer.client = await connectRetrying(url, deadline);
  phases.connected = Math.max(phases.connected, performance.now());
  const login = await requestRetrying<{ chats: { chat_id: string; version: number }[] }>(
    customer.client,
    'login',
    { token: customer.token },
    deadline,
  );
  phases.loggedIn = Math.max(phases.loggedIn, performance.now());
  for (const clientId of [...customer.unacknowledged]) await send(customer, clientId, deadline);
  // The login lists the chat at its version when the socket was already registered for pushes:
  // held up to it, there is nothing to read (as @livedesk/client does).
  const listed = login.chats.find((chat) => chat.chat_id === customer.chatId);
  if (listed && listed.version <= customer.version) {
    resumedWithoutRead += 1;
    return;
  }
  for (let since = customer.version, more = true; more; ) {
    const page = await requestRetrying<ChatPage>(
      customer.client,
      'get_chat',
      { chat_id: customer.chatId, since_version: since },
      deadline,
    );
    for (const event of page.events) customer.version = Math.max(customer.version, event.version);
    more = page.has_more;
    since = page.next_since_version;
  }
}

async function send(customer: Customer, clientId: string, deadline = performance.now() + 30_000): Promise<void> {
  customer.unacknowledged.add(clientId);
  const answer = await requestRetrying<{ version?: number; event?: { version?: number } }>(
    customer.client!,
    'send_event',
    {
      chat_id: customer.chatId,
      event: { type: 'message', text: `message ${clientId}`, client_id: clientId },
    },
    deadline,
  );
  customer.unacknowledged.delete(clientId);
  customer.version = Math.max(customer.version, answer.event?.version ?? answer.version ?? 0);
}

/** Every message of the chat, by client id, read from the start. */
async function clientIdsInChat(customer: Customer): Promise<string[]> {
  const ids: string[] = [];
  for (let since = 0, more = true; more; ) {
    const page = await requestRetrying<ChatPage>(
      customer.client!,
      'get_chat',
      { chat_id: customer.chatId, since_version: since },
      performance.now() + 60_000,
    );
    for (const event of page.events)
      if (event.type === 'MessagePosted' && event.data.client_id) ids.push(event.data.client_id);
    more = page.has_more;
    since = page.next_since_version;
  }
  return ids;
}

async function oneRun(run: number): Promise<{
  storm: number;
  stormConnected: number;
  stormLoggedIn: number;
  stormUnread: number;
  killed: number;
  lost: number;
  doubled: number;
  resent: number;
  restart: number;
  stormRetries: number;
  stormDropped: number;
  stormFailedConnects: string;
  stormKernel: string;
  killRetries: number;
  killDropped: number;
}> {
  const system = await startSystemUnderTest({}, { routing: WITH_ROUTING });
  const customers: Customer[] = [];
  try {
    const url = `${system.wsBase}/v1/customer/rtm`;
    const organizationId = await system.createOrganization('reconnect storm bench');
    const jwtSecret = system.jwtSecret;
    const tokens = new TokenService({ secret: jwtSecret, agentTtlSeconds: 3600, customerTtlSeconds: 3600 });

    const setupStarted = performance.now();
    customers.push(
      ...(await mapWithConcurrency(
        Array.from({ length: CUSTOMERS }, (_, i) => i),
        100,
        async (i) => {
          const { token } = await tokens.issue({ kind: 'customer', organizationId, customerId: `storm-${run}-${i}` });
          const client = await ProtocolClient.connect(url);
          await client.request('login', { token });
          const started = await client.request<{ chat_id: string; version: number }>('start_chat', {
            message: { text: 'hello', client_id: `first-${i}` },
          });
          return {
            token,
            chatId: started.chat_id,
            version: started.version,
            client,
            unacknowledged: new Set<string>(),
            sent: [`first-${i}`],
          };
        },
      )),
    );
    console.log(
      `  run ${run}: ${CUSTOMERS} customers with a chat in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );

    // 1. The storm: everyone leaves, then everyone comes back at once.
    await mapWithConcurrency(customers, 500, (customer) => customer.client!.close());
    await sleep(1_000);
    retried = 0;
    failedConnects = [];
    connectPhases = [];
    const stormStarted = performance.now();
    phases.connected = phases.loggedIn = stormStarted;
    dropped = 0;
    resumedWithoutRead = 0;
    const stormKernel = await kernelDropsDuring(async () => {
      await mapWithConcurrency(customers, CUSTOMERS, (customer) => resume(customer, url, stormStarted + 60_000));
    });
    const storm = (performance.now() - stormStarted) / 1000;
    const stormConnected = (phases.connected - stormStarted) / 1000;
    const stormSockets = describeConnectPhases(connectPhases, stormStarted);
    const stormLoggedIn = (phases.loggedIn - stormStarted) / 1000;
    const stormRetries = retried;
    const stormDropped = dropped;
    const stormUnread = resumedWithoutRead;
    const stormFailedConnects = describeFailedConnects(failedConnects);
    retried = 0;
    dropped = 0;
    console.log(
      `  run ${run}: storm: ${CUSTOMERS} reconnected, logged in and resumed in ${storm.toFixed(2)} s (last socket open at ${stormConnected.toFixed(2)} s, last login answered at ${stormLoggedIn.toFixed(2)} s; ${stormUnread} resumed without a get_chat; ${stormRetries} requests asked again after unavailable/rate_limited, ${stormDropped} sockets closed under a customer and opened again; ${stormFailedConnects} attempts to open a socket failed and were made again; kernel: ${stormKernel} receive-backlog drops / accept-queue drops / SYN retransmissions; ${stormSockets})`,
    );

    // 2. The gateway killed while customers write.
    const writers = customers.slice(0, WRITERS);
    const writes = writers.map(async (customer, i) => {
      await sleep((i / WRITERS) * WRITE_MS);
      const clientId = `m-${run}-${i}`;
      customer.sent.push(clientId);
      await send(customer, clientId).catch(() => undefined); // a lost answer stays unacknowledged
    });
    await sleep(WRITE_MS / 2);
    const killedAt = performance.now();
    system.killGateway();
    await Promise.all(writes);
    await system.startGateway();
    const restart = (performance.now() - killedAt) / 1000;
    const resent = customers.reduce((sum, customer) => sum + customer.unacknowledged.size, 0);
    await mapWithConcurrency(customers, CUSTOMERS, (customer) => resume(customer, url, killedAt + 120_000));
    const killed = (performance.now() - killedAt) / 1000;
    const killRetries = retried;
    const killDropped = dropped;
    console.log(
      `  run ${run}: gateway killed: restarted in ${restart.toFixed(2)} s, all ${CUSTOMERS} resumed ${killed.toFixed(2)} s after the kill (${resent} messages sent again; ${killRetries} requests asked again, ${killDropped} sockets closed under a customer and opened again)`,
    );

    let lost = 0;
    let doubled = 0;
    await mapWithConcurrency(writers, 100, async (customer) => {
      const stored = await clientIdsInChat(customer);
      for (const clientId of customer.sent) {
        const count = stored.filter((id) => id === clientId).length;
        if (count === 0) lost += 1;
        if (count > 1) doubled += 1;
      }
    });
    console.log(`  run ${run}: ${lost} lost, ${doubled} stored twice`);
    return {
      storm,
      stormConnected,
      stormLoggedIn,
      killed,
      lost,
      doubled,
      resent,
      restart,
      stormRetries,
      stormDropped,
      stormFailedConnects,
      stormUnread,
      stormKernel,
      killRetries,
      killDropped,
    };
  } finally {
    await mapWithConcurrency(customers, 500, (customer) => customer.client?.close() ?? Promise.resolve());
    await system.stop();
  }
}

async function main(): Promise<void> {
  const fileLimit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  if (fileLimit < CUSTOMERS + 500)
    throw new Error(`the open-file limit is ${fileLimit}; ${CUSTOMERS} customers need more`);
  const backlog = Number(netdevMaxBacklog());
  if (Number.isFinite(backlog) && backlog < CUSTOMERS)
    console.warn(
      `net.core.netdev_max_backlog is ${backlog}: ${CUSTOMERS} connections at once over loopback can overflow it, and a dropped SYN waits for TCP's retry (sysctl -w net.core.netdev_max_backlog=10000; docs/operations.md)`,
    );
  const results = [];
  for (let run = 1; run <= RUNS; run++) results.push(await oneRun(run));
  const rows = results.map(
    (r, i) =>
      `| ${i + 1} | ${r.storm.toFixed(2)} s (${r.stormRetries} / ${r.stormDropped}) | ${r.stormKernel} | ${r.stormConnected.toFixed(2)} s / ${r.stormLoggedIn.toFixed(2)} s | ${r.restart.toFixed(2)} s | ${r.killed.toFixed(2)} s (${r.killRetries} / ${r.killDropped}) | ${r.resent} | ${r.lost} | ${r.doubled} |`,
  );
  const storms = results.map((r) => r.storm);
  const lost = results.reduce((sum, r) => sum + r.lost, 0);
  writeResultsSection(
    'reconnect-storm',
    `## reconnect-storm (\`pnpm bench:reconnect-storm\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}. One gateway process, the identity and conversation services${WITH_ROUTING ? ', the routing service (which hears of every socket)' : ' (no routing: the presence reports fail)'}, PostgreSQL, NATS and Redis on this machine's 2 cores; ${CUSTOMERS.toLocaleString('en-US')} customers, each with a chat, held by this process. Storm: every socket closed, then all reconnect at once, log in with their tokens and resume (\`get_chat\` after the version they had, unless the login answer lists the chat at that version, as \`@livedesk/client\` does). Gateway killed: ${WRITERS.toLocaleString('en-US')} customers write one message each over ${WRITE_MS / 1000} s; half-way the gateway gets SIGKILL and is started again on its port; every customer reconnects (retrying until it answers), logs in, sends again what was not acknowledged (same \`client_id\`) and resumes; then every writer's chat is read from the start. A request answered \`unavailable\` or \`rate_limited\` (the gateway shedding load) is asked again after its \`retry_after_ms\`, as \`@livedesk/client\` does, and a socket that closes under a customer while it resumes (a login timeout, a missed heartbeat) is opened again and the customer starts over; how many of each, in brackets. What the kernel counted during the storm, for the whole machine: packets dropped from its receive backlog (\`/proc/net/softnet_stat\`; \`net.core.netdev_max_backlog\` was ${netdevMaxBacklog()} packets here), SYNs dropped at the gateway's full accept queue (\`TcpExtListenDrops\`), and SYN or SYN-ACK retransmissions (\`TcpExtTCPSynRetrans\`): a dropped SYN comes back only after TCP's retry (1 s, then 3 s…).

| run | storm: all resumed (requests asked again / sockets opened again) | storm, the kernel: receive-backlog drops / accept-queue drops / SYN retransmissions | storm: last socket open / last login answered | gateway killed: back up | killed: all resumed (requests asked again / sockets opened again) | messages sent again | lost | stored twice |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

- Target: ${CUSTOMERS.toLocaleString('en-US')} customers resumed in ≤ ${TARGET_SECONDS} s after a storm: **${Math.min(...storms).toFixed(2)}–${Math.max(...storms).toFixed(2)} s** (${Math.max(...storms) <= TARGET_SECONDS ? 'met' : 'missed'}); a killed gateway: ${lost === 0 ? '**0 messages lost**' : `**${lost} messages lost**`}, every client back.
- Storm: customers whose login listed their chat at the version they held, so that they read nothing: ${results.map((r, i) => `run ${i + 1}: ${r.stormUnread.toLocaleString('en-US')}`).join('; ')}.
- Storm: attempts to open a socket that failed and were made again (an opening handshake has 5 s): ${results.map((r, i) => `run ${i + 1}: ${r.stormFailedConnects}`).join('; ')}.`,
  );
  console.log('written to bench/RESULTS.md');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
