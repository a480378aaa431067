import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

// Built services (`pnpm build` runs before jest) run as real processes, the way
// docker-compose and Kubernetes run them.
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type ServiceName = 'gateway' | 'identity' | 'conversation' | 'routing' | 'ticketing' | 'metrics';

export interface SpawnedService {
  name: ServiceName;
  child: ChildProcess;
  port: number;
  url: string;
  /** Ticketing only: its inbound SMTP port (`SMTP_INBOUND_PORT`). */
  smtpPort?: number;
  /** Everything the process wrote, stdout and stderr interleaved. */
  output(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Ports for the services tests start come from below the kernel's ephemeral range, each jest
 * worker from a slice of its own. Port 0 (the kernel's pick) came from the range every outgoing
 * connection uses too, and a port freed again could be handed to another worker before this
 * one's service bound it: two suites then started services on one port, the second exited
 * (EADDRINUSE), and its test talked to the other suite's service (CI: "Cannot POST
 * /v1/organizations", 404, and a ticket that never came).
 */
const PORTS_FROM = 20_000;
const PORTS_PER_WORKER = 1_500;
const WORKER_SLICES = 8;
/** Where this process goes on in its slice; a random start keeps two runs on one machine apart. */
let nextInSlice = Math.floor(Math.random() * PORTS_PER_WORKER);

/** A port of this jest worker's slice that nothing listens on now. */
export async function freePort(): Promise<number> {
  const slice = Number(process.env.JEST_WORKER_ID ?? 0) % WORKER_SLICES;
  const first = PORTS_FROM + slice * PORTS_PER_WORKER;
  for (let tries = 0; tries < PORTS_PER_WORKER; tries++) {
    const port = first + (nextInSlice++ % PORTS_PER_WORKER);
    if (await listenable(port)) return port;
  }
  throw new Error(`no free port in ${first}–${first + PORTS_PER_WORKER - 1}`);
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `port` may be any string, to check how a service refuses an invalid one. */
export function spawnService(name: ServiceName, env: NodeJS.ProcessEnv, port: number | string): SpawnedService {
  const main = `${REPOSITORY_ROOT}services/${name}/dist/main.js`;
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` before the e2e tests`);
  // LIVEDESK_NODE_ARGS: extra node flags for the services (e.g. `--cpu-prof` when profiling a benchmark).
  const nodeArgs = env.LIVEDESK_NODE_ARGS ? env.LIVEDESK_NODE_ARGS.split(/\s+/).filter(Boolean) : [];
  // Ticketing also listens for SMTP (2525 by default): a test that names no port gets any free
  // one, so that parallel runs on one machine do not fight over it.
  const smtpPort = name === 'ticketing' ? (env.SMTP_INBOUND_PORT ?? '0') : undefined;
  const child = spawn(process.execPath, [...nodeArgs, main], {
    cwd: REPOSITORY_ROOT,
    env: { ...env, PORT: String(port), ...(smtpPort === undefined ? {} : { SMTP_INBOUND_PORT: smtpPort }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last 64 KB of each: enough for an error message, bounded under a long benchmark.
  let output = '';
  let stderr = '';
  const keep = (text: string, previous: string) => (previous + text).slice(-65_536);
  child.stdout?.on('data', (chunk: Buffer) => (output = keep(chunk.toString(), output)));
  child.stderr?.on('data', (chunk: Buffer) => {
    output = keep(chunk.toString(), output);
    stderr = keep(chunk.toString(), stderr);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    name,
    child,
    port: Number(port),
    url: `http://127.0.0.1:${port}`,
    ...(smtpPort === undefined ? {} : { smtpPort: Number(smtpPort) }),
    output: () => output,
    stderr: () => stderr,
    exit,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

export async function waitUntilReady(service: SpawnedService, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      if (service.child.exitCode !== null) throw new Error(`${service.name} exited:\n${service.output()}`);
      try {
        const response = await fetch(`${service.url}/health/ready`);
        await response.arrayBuffer();
        return response.status === 200;
      } catch {
        return false;
      }
    },
    { timeoutMs, intervalMs: 100, what: `${service.name} to be ready` },
  );
}

export interface ServiceEnvironmentOptions {
  databaseUrl: string;
  natsUrl: string;
  redisUrl: string;
  /** Of the test's NATS (`createTestNats`): the services' subjects and JetStream stream. */
  subjectPrefix: string;
  streamPrefix: string;
  adminToken: string;
  jwtSecret: string;
}

/**
 * The environment of spawned services that share one test database and NATS prefix. Production
 * mode: no `.env` from the developer's checkout is read, and the secrets are required.
 */
export function serviceEnvironment(
  options: ServiceEnvironmentOptions,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    NATS_URL: options.natsUrl,
    REDIS_URL: options.redisUrl,
    LIVEDESK_SUBJECT_PREFIX: options.subjectPrefix,
    LIVEDESK_EVENTS_STREAM: `${options.streamPrefix}_EVENTS`,
    LIVEDESK_ADMIN_TOKEN: options.adminToken,
    LIVEDESK_JWT_SECRET: options.jwtSecret,
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Every test client comes from 127.0.0.1: one address may take as many customer tokens and
    // widget settings as a test needs (a test of a throttle sets its own figure).
    CUSTOMER_TOKENS_PER_ADDRESS_PER_MINUTE: '1000000',
    WIDGET_SETTINGS_PER_ADDRESS_PER_MINUTE: '1000000',
    ...extra,
  };
}
