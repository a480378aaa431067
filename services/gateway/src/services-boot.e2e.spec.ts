import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { createDatabase, EventStore } from '@livedesk/event-store';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, createTestNats, serviceUrls, waitFor, type TestDatabase, type TestNats } from '@livedesk/testing';

// Spawns the built services (`pnpm build` runs before jest) as real processes, the way
// docker-compose and Kubernetes run them.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVICES = ['gateway', 'conversation', 'routing', 'ticketing', 'metrics'] as const;
type ServiceName = (typeof SERVICES)[number];

interface RunningProcess {
  child: ChildProcess;
  port: number;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function mainOf(service: ServiceName): string {
  const main = `${ROOT}services/${service}/dist/main.js`;
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` before the e2e tests`);
  return main;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function start(service: ServiceName, env: NodeJS.ProcessEnv, port: number): RunningProcess {
  const child = spawn(process.execPath, [mainOf(service)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const running: RunningProcess = {
    child,
    port,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on('data', (chunk: Buffer) => (running.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (running.stderr += chunk.toString()));
  return running;
}

async function statusOf(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]);
}

describe('every service boots, reports health and metrics, and stops on SIGTERM', () => {
  let database: TestDatabase;
  let nats: TestNats;
  const running = new Map<ServiceName, RunningProcess>();

  beforeAll(async () => {
    const urls = await serviceUrls();
    [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
    for (const service of SERVICES) {
      const port = await freePort();
      const env = {
        ...process.env,
        NODE_ENV: 'production', // no .env from the developer's checkout
        PORT: String(port),
        DATABASE_URL: database.url,
        NATS_URL: urls.natsUrl,
        REDIS_URL: urls.redisUrl,
        LIVEDESK_SUBJECT_PREFIX: nats.subjectPrefix,
        LIVEDESK_EVENTS_STREAM: `${nats.streamPrefix}_EVENTS`,
        LOG_LEVEL: 'warn',
        SHUTDOWN_TIMEOUT_MS: '5000',
      };
      running.set(service, start(service, env, port));
    }
  });

  afterAll(async () => {
    for (const instance of running.values()) {
      if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
      await instance.exit;
    }
    await database?.drop();
    await nats?.cleanup();
  });

  it('migrates the event store and relays appended events to JetStream (one relay leads)', async () => {
    for (const service of ['conversation', 'routing', 'ticketing'] as const) {
      const { port } = running.get(service)!;
      await waitFor(async () => (await statusOf(`http://127.0.0.1:${port}/health/ready`)) === 200, {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: `${service} to be ready`,
      });
    }
    const db = createDatabase(database.url, { max: 2 });
    try {
      const store = new EventStore(db);
      const events = [randomUUID(), randomUUID()].map((eventId) => ({ eventId, type: 'TagAdded', data: { tag: 'vip' } }));
      await store.appendToStream('conversation-boot', events, 'no_stream', { organizationId: 'org-boot' });
      const jsm = await jetstreamManager(nats.connection);
      await waitFor(async () => (await jsm.streams.info(`${nats.streamPrefix}_EVENTS`).catch(() => undefined))?.state.messages === 2, {
        timeoutMs: 10_000,
        what: 'the two events on JetStream',
      });
      const { rows } = await sql<{ n: string }>`
        SELECT count(*) AS n FROM pg_stat_activity WHERE datname = ${database.name} AND application_name = 'livedesk-outbox-relay'`.execute(db);
      expect(rows[0]!.n).toBe('1');
    } finally {
      await db.destroy();
    }
  });

  it.each(SERVICES)('%s', async (service) => {
    const instance = running.get(service);
    if (!instance) throw new Error(`${service} was not started`);
    const base = `http://127.0.0.1:${instance.port}`;
    const describeOutput = () => `stdout:\n${instance.stdout}\nstderr:\n${instance.stderr}`;

    await waitFor(async () => (await statusOf(`${base}/health/ready`)) === 200, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `${service} to be ready\n${describeOutput()}`,
    });
    const ready = (await (await fetch(`${base}/health/ready`)).json()) as { details: Record<string, { status: string }> };
    expect(Object.fromEntries(Object.entries(ready.details).map(([key, value]) => [key, value.status]))).toEqual({
      postgres: 'up',
      nats: 'up',
      redis: 'up',
    });

    const live = await fetch(`${base}/health/live`, { headers: { 'x-request-id': `e2e-${service}` } });
    expect(live.status).toBe(200);
    expect(live.headers.get('x-request-id')).toBe(`e2e-${service}`);

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain(`process_cpu_user_seconds_total{service="${service}"}`);
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status="200",service="[a-z]+"\} 1/);

    instance.child.kill('SIGTERM');
    const exit = await within(instance.exit, 8000, `${service} shutdown`);
    expect({ service, ...exit }).toEqual({ service, code: 0, signal: null });
    expect(instance.stderr).toBe('');
  });
});

describe('a service with an invalid environment', () => {
  it('exits 1 with a message that names the variable, without a stack trace', async () => {
    const instance = start('gateway', { ...process.env, NODE_ENV: 'production', PORT: 'abc' }, 0);
    const exit = await within(instance.exit, 10_000, 'gateway with PORT=abc');
    expect(exit).toEqual({ code: 1, signal: null });
    expect(instance.stderr).toContain('gateway cannot start');
    expect(instance.stderr).toMatch(/PORT: .*"abc"/);
    expect(instance.stderr).not.toMatch(/\n\s+at /);
  });
});
