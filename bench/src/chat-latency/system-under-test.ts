import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  serviceEnvironment,
  serviceUrls,
  spawnService,
  waitUntilReady,
  type SpawnedService,
  type TestDatabase,
} from '@livedesk/testing';
import { Redis } from 'ioredis';

/**
 * The real chat loop: the built gateway, identity and conversation services as their own
 * processes (the way docker-compose and Kubernetes run them, as services-boot.e2e.spec.ts does;
 * the gateway forwards the organization and token URLs to identity), on a fresh
 * database, a unique NATS subject prefix and JetStream stream, with the local Postgres, NATS
 * and Redis (or DATABASE_URL, NATS_URL, REDIS_URL). Routing is not started unless asked
 * (`routing: true`): the benchmarks' agents take their chats with `join_chat`, so that no
 * assignment races the setup; without it, the gateways' presence reports to routing fail (a
 * warning every few seconds). The chat-latency, logins, idle-sockets and reconnect-storm
 * benchmarks all run on it.
 */
type ServiceName = 'gateway' | 'identity' | 'conversation';

export interface SystemUnderTestOptions {
  /** Start the routing service too (it hears of every customer and agent socket). */
  routing?: boolean;
}

export interface SystemUnderTest {
  /** `http://127.0.0.1:<gateway port>` */
  httpBase: string;
  /** `ws://127.0.0.1:<gateway port>` */
  wsBase: string;
  adminToken: string;
  /** The installation's JWT secret: a benchmark may issue customer tokens as identity does. */
  jwtSecret: string;
  /** The database of the run (the event store, the directory, the read models). */
  databaseUrl: string;
  /** The processes as they run now (the gateway's changes when it is started again); routing's when it runs. */
  pids(): Record<ServiceName, number> & { routing?: number };
  /** Creates an organization with the installation admin token; answers its id. */
  createOrganization(name: string): Promise<string>;
  /** Kills the gateway process (SIGKILL: no goodbye to its sockets). */
  killGateway(): void;
  /** Starts a gateway again on the same port, with the same settings, and waits until it is ready. */
  startGateway(): Promise<void>;
  /** Whether a service exited on its own (a crash under load), with its output. */
  crashed(): string | undefined;
  stop(): Promise<void>;
}

export async function startSystemUnderTest(
  extraEnv: NodeJS.ProcessEnv = {},
  options: SystemUnderTestOptions = {},
): Promise<SystemUnderTest> {
  const urls = await serviceUrls();
  const [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
  const adminToken = randomBytes(24).toString('base64url');
  // The same on every gateway replica (there is one here); at least 32 characters.
  const jwtSecret = randomBytes(32).toString('base64url');
  const running = new Map<ServiceName | 'routing', SpawnedService>();
  const organizations: string[] = [];
  const [identityPort, gatewayPort] = [await freePort(), await freePort()];
  const env = serviceEnvironment(
    {
      databaseUrl: database.url,
      natsUrl: urls.natsUrl,
      redisUrl: urls.redisUrl,
      subjectPrefix: nats.subjectPrefix,
      streamPrefix: nats.streamPrefix,
      adminToken,
      jwtSecret,
    },
    { IDENTITY_URL: `http://127.0.0.1:${identityPort}`, ...extraEnv },
  );
  let stopping = false;
  let killed = false;
  const start = async (service: ServiceName | 'routing', port: number) => {
    const instance = spawnService(service, env, port);
    running.set(service, instance);
    await waitUntilReady(instance).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${instance.output().slice(-4000)}`);
    });
  };
  const stop = async () => {
    stopping = true;
    // Gateway first, so that no new command reaches a conversation service on its way out.
    for (const service of ['gateway', 'routing', 'identity', 'conversation'] as const)
      await running.get(service)?.stop(10_000);
    await dropQuietly(database);
    await nats.cleanup().catch(() => undefined);
    if (options.routing) await dropRoutingKeys(urls.redisUrl, [...organizations, nats.subjectPrefix]);
  };
  try {
    // The conversation service first: it migrates the event store and creates the JetStream
    // stream, and a gateway starting at the same moment would race it for the same objects.
    await start('conversation', await freePort());
    await start('identity', identityPort);
    await start('gateway', gatewayPort);
    if (options.routing) await start('routing', await freePort());
  } catch (error) {
    await stop();
    throw error;
  }
  const httpBase = `http://127.0.0.1:${gatewayPort}`;
  return {
    httpBase,
    wsBase: `ws://127.0.0.1:${gatewayPort}`,
    adminToken,
    jwtSecret,
    databaseUrl: database.url,
    pids: () => ({
      gateway: running.get('gateway')!.child.pid!,
      identity: running.get('identity')!.child.pid!,
      conversation: running.get('conversation')!.child.pid!,
      ...(running.has('routing') ? { routing: running.get('routing')!.child.pid! } : {}),
    }),
    async createOrganization(name) {
      const response = await fetch(`${httpBase}/v1/organizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ name }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST /v1/organizations answered ${response.status}: ${text.slice(0, 300)}`);
      const { organization_id: organizationId } = JSON.parse(text) as { organization_id: string };
      organizations.push(organizationId);
      return organizationId;
    },
    killGateway() {
      killed = true;
      running.get('gateway')!.child.kill('SIGKILL');
    },
    async startGateway() {
      await start('gateway', gatewayPort);
      killed = false;
    },
    crashed() {
      if (stopping) return undefined;
      for (const [service, instance] of running) {
        if (service === 'gateway' && killed) continue;
        if (instance.child.exitCode !== null || instance.child.signalCode !== null) {
          return `${service} exited (${instance.child.exitCode ?? instance.child.signalCode}):\n${instance.output().slice(-4000)}`;
        }
      }
      return undefined;
    },
    stop,
  };
}

/**
 * Routing's keys of a run (its organizations', kept a month after a chat's last event, and the
 * timers of the run's prefix). Left behind, they pile up, and every routing that scans Redis for
 * an organization's keys (a first build, a rebuild) pays for them.
 */
export async function dropRoutingKeys(redisUrl: string, tags: readonly string[]): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for (const tag of tags) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `routing:{${tag}}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

async function dropQuietly(database: TestDatabase): Promise<void> {
  await database.drop().catch((error: unknown) => console.error(`could not drop ${database.name}: ${String(error)}`));
}
