import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { createDatabase, EventStore } from '@livedesk/event-store';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  serviceUrls,
  spawnService,
  waitFor,
  type ServiceName,
  type SpawnedService,
  type TestDatabase,
  type TestNats,
} from '@livedesk/testing';

const SERVICES = [
  'gateway',
  'identity',
  'conversation',
  'routing',
  'ticketing',
  'metrics',
] as const satisfies readonly ServiceName[];
type Service = (typeof SERVICES)[number];

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
  const running = new Map<Service, SpawnedService>();

  beforeAll(async () => {
    const urls = await serviceUrls();
    [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
    for (const service of SERVICES) {
      const port = await freePort();
      const env = {
        ...process.env,
        NODE_ENV: 'production', // no .env from the developer's checkout
        PORT: String(port),
        // The gateway keeps nothing in Postgres: it boots and is ready with no server there.
        DATABASE_URL: service === 'gateway' ? 'postgres://nobody@127.0.0.1:1/no_database' : database.url,
        NATS_URL: urls.natsUrl,
        REDIS_URL: urls.redisUrl,
        LIVEDESK_SUBJECT_PREFIX: nats.subjectPrefix,
        LIVEDESK_EVENTS_STREAM: `${nats.streamPrefix}_EVENTS`,
        LIVEDESK_ADMIN_TOKEN: 'boot-test-admin-token-0123456789',
        LIVEDESK_JWT_SECRET: 'boot-test-jwt-secret-0123456789-0123456789',
        LOG_LEVEL: 'warn',
        SHUTDOWN_TIMEOUT_MS: '5000',
      };
      running.set(service, spawnService(service, env, port));
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
      const events = [randomUUID(), randomUUID()].map((eventId) => ({
        eventId,
        type: 'TagAdded',
        data: { tag: 'vip' },
      }));
      await store.appendToStream('conversation-boot', events, 'no_stream', { organizationId: 'org-boot' });
      const jsm = await jetstreamManager(nats.connection);
      await waitFor(
        async () =>
          (await jsm.streams.info(`${nats.streamPrefix}_EVENTS`).catch(() => undefined))?.state.messages === 2,
        {
          timeoutMs: 10_000,
          what: 'the two events on JetStream',
        },
      );
      // The sessions holding the relay's lock: a standby's probe (a session of the same name
      // that asks for the lock, is refused and closes, every second) is not a leader.
      const { rows } = await sql<{ n: string }>`
        SELECT count(DISTINCT a.pid) AS n
          FROM pg_stat_activity AS a
          JOIN pg_locks AS l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
         WHERE a.datname = ${database.name} AND a.application_name = 'livedesk-outbox-relay'`.execute(db);
      expect(rows[0]!.n).toBe('1');
    } finally {
      await db.destroy();
    }
  });

  it.each(SERVICES)('%s', async (service) => {
    const instance = running.get(service);
    if (!instance) throw new Error(`${service} was not started`);
    const base = `http://127.0.0.1:${instance.port}`;
    const describeOutput = () => `output:\n${instance.output()}`;

    await waitFor(async () => (await statusOf(`${base}/health/ready`)) === 200, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `${service} to be ready\n${describeOutput()}`,
    });
    const ready = (await (await fetch(`${base}/health/ready`)).json()) as {
      details: Record<string, { status: string }>;
    };
    expect(Object.fromEntries(Object.entries(ready.details).map(([key, value]) => [key, value.status]))).toEqual({
      ...(service === 'gateway' ? {} : { postgres: 'up' }),
      nats: 'up',
      redis: 'up',
      // Routing is ready only while its Redis state is whole (docs/routing-recovery.md).
      ...(service === 'routing' ? { routing_state: 'up' } : {}),
    });

    const live = await fetch(`${base}/health/live`, { headers: { 'x-request-id': `e2e-${service}` } });
    expect(live.status).toBe(200);
    expect(live.headers.get('x-request-id')).toBe(`e2e-${service}`);
    // Idle keep-alive connections are kept 65 s, so that clients close theirs first.
    expect(live.headers.get('keep-alive')).toBe('timeout=65');

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain(`process_cpu_user_seconds_total{service="${service}"}`);
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status="200",service="[a-z]+"\} 1/);

    instance.child.kill('SIGTERM');
    const exit = await within(instance.exit, 8000, `${service} shutdown`);
    expect({ service, ...exit }).toEqual({ service, code: 0, signal: null });
    expect(instance.stderr()).toBe('');
  });
});

describe('a service with an invalid environment', () => {
  it.each([
    [
      'PORT=abc',
      { LIVEDESK_ADMIN_TOKEN: 'boot-test-admin-token-0123456789', LIVEDESK_JWT_SECRET: 'x'.repeat(32) },
      'abc',
      /PORT: .*"abc"/,
    ],
    ['no admin token in production', {}, 0, /LIVEDESK_ADMIN_TOKEN: .*required when NODE_ENV is production/],
  ] as const)(
    'exits 1 with a message that names the variable, without a stack trace (%s)',
    async (_, extra, port, message) => {
      const instance = spawnService('gateway', { ...process.env, NODE_ENV: 'production', ...extra }, port);
      const exit = await within(instance.exit, 10_000, 'gateway with an invalid environment');
      expect(exit).toEqual({ code: 1, signal: null });
      expect(instance.stderr()).toContain('gateway cannot start');
      expect(instance.stderr()).toMatch(message);
      expect(instance.stderr()).not.toMatch(/\n\s+at /);
    },
  );
});
