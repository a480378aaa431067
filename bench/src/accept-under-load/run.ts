/**
 * bench/accept-under-load: how long a new connection waits to be served by an HTTP server whose
 * event loop is kept busy by the connections it already has, listening with one socket (as
 * `listen` makes) and with several (`listenWithAcceptors`, as the gateway listens).
 *
 * The server (a child process) answers each request after `WORK_US` µs of CPU, the cost of a
 * frame such as a login. `BUSY` keep-alive connections each send their next request as soon as
 * the last is answered, so the server's loop always has them all to read: the state of a gateway
 * answering a reconnect storm, or at its capacity. Then `FRESH` new connections each ask for one
 * answer at once (a customer's socket, a load balancer's health check); the figure is the time
 * each took, from the connect to the answer. Beside it, the anchor: the same new connections to
 * the same server with nothing else to do.
 *
 *   pnpm bench:accept-under-load
 *   ACCEPTORS=1,32,128 BUSY=1000 FRESH=200 RUNS=3 pnpm bench:accept-under-load
 *
 * Why (libuv #3696, Node 20 and later): a listening socket accepts one connection each time the
 * loop finds it readable, so a busy loop accepts one connection per listening socket per round of
 * all its ready sockets' events.
 */
import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenWithAcceptors } from '@livedesk/service-kit';
import { machineLine, writeResultsSection } from '../results/results-file.js';
import { quantile } from '../results/quantile.js';

const ACCEPTORS = (process.env.ACCEPTORS ?? '1,32,128').split(',').map(Number);
const BUSY = Number(process.env.BUSY ?? 1000);
const FRESH = Number(process.env.FRESH ?? 200);
const WORK_US = Number(process.env.WORK_US ?? 150);
const RUNS = Number(process.env.RUNS ?? 3);
/** How long the busy connections run before the new ones come. */
const WARM_MS = 1500;

function spin(microseconds: number): void {
  const end = performance.now() + microseconds / 1000;
  while (performance.now() < end);
}

/** The server: listens with `acceptors` sockets, reports its port, answers each request after WORK_US µs. */
async function serve(acceptors: number): Promise<void> {
  const server: Server = createServer((_request, response) => {
    spin(WORK_US);
    response.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  await listenWithAcceptors((options) => new Promise((resolve) => server.listen(options, () => resolve(server))), {
    port: 0,
    host: '127.0.0.1',
    backlog: 8192,
    acceptors,
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

function get(port: number, agent: Agent | false): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Each new connection's time from its connect to its answer, in ms, sorted. */
async function fresh(port: number): Promise<number[]> {
  const times = await Promise.all(
    Array.from({ length: FRESH }, async () => {
      const started = performance.now();
      await get(port, false);
      return performance.now() - started;
    }),
  );
  return times.sort((a, b) => a - b);
}

async function oneRun(acceptors: number): Promise<{ idle: number[]; busy: number[]; served: number }> {
  const child = fork(new URL(import.meta.url), ['serve', String(acceptors)], { stdio: 'inherit' });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message: { port: number }) => resolve(message.port));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const idle = await fresh(port);
    const agent = new Agent({ keepAlive: true, maxSockets: BUSY });
    let stop = false;
    let served = 0;
    const loops = Array.from({ length: BUSY }, async () => {
      while (!stop) {
        await get(port, agent);
        served += 1;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, WARM_MS));
    const servedBefore = served;
    const measureStarted = performance.now();
    const busy = await fresh(port);
    const rate = (served - servedBefore) / ((performance.now() - measureStarted) / 1000);
    stop = true;
    await Promise.all(loops);
    agent.destroy();
    return { idle, busy, served: rate };
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (let run = 1; run <= RUNS; run++) {
    for (const acceptors of ACCEPTORS) {
      const { idle, busy, served } = await oneRun(acceptors);
      const ms = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 1 : 0 });
      const line = `| ${run} | ${acceptors} | ${ms(quantile(busy, 0.5))} / ${ms(quantile(busy, 0.9))} / ${ms(busy.at(-1)!)} | ${ms(quantile(idle, 0.5))} / ${ms(idle.at(-1)!)} | ${Math.round(served).toLocaleString('en-US')} |`;
      console.log(line);
      rows.push(line);
    }
  }
  writeResultsSection(
    'accept-under-load',
    `## accept-under-load (\`pnpm bench:accept-under-load\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}. The server and this process share the machine.

An HTTP server (its own process) answers each request after ${WORK_US} µs of CPU; ${BUSY.toLocaleString('en-US')} keep-alive connections send their next request as soon as the last is answered, so its event loop is never idle. Then ${FRESH} new connections ask for one answer each, at once: from the connect to the answer, in ms. Anchor: the same ${FRESH} to the same server with nothing else to do. Acceptors: the listening sockets on the port (\`listenWithAcceptors\`, libs/service-kit; the gateway listens with 128).

| run | acceptors | busy server: new connection answered p50 / p90 / max ms | idle server (anchor): p50 / max ms | busy requests answered/s meanwhile |
|---|---|---|---|---|
${rows.join('\n')}
`,
  );
}

if (process.argv[2] === 'serve') await serve(Number(process.argv[3]));
else await main();
