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

/**
 * The real chat loop: the built gateway, identity and conversation services as their own
 * processes (the way docker-compose and Kubernetes run them, as services-boot.e2e.spec.ts does;
 * the gateway forwards the organization and token URLs to identity), on a fresh
 * database, a unique NATS subject prefix and JetStream stream, with the local Postgres, NATS
 * and Redis (or DATABASE_URL, NATS_URL, REDIS_URL). Routing is not started: the benchmark's
 * agents take their chats with `join_chat`, so that no assignment races the setup.
 */
type ServiceName = 'gateway' | 'identity' | 'conversation';

export interface SystemUnderTest {
  /** `http://127.0.0.1:<gateway port>` */
  httpBase: string;
  /** `ws://127.0.0.1:<gateway port>` */
  wsBase: string;
  adminToken: string;
  pids: Record<ServiceName, number>;
  /** Whether a service exited on its own (a crash under load), with its output. */
  crashed(): string | undefined;
  stop(): Promise<void>;
}

export async function startSystemUnderTest(extraEnv: NodeJS.ProcessEnv = {}): Promise<SystemUnderTest> {
  const urls = await serviceUrls();
  const [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
  const adminToken = randomBytes(24).toString('base64url');
  // The same on every gateway replica (there is one here); at least 32 characters.
  const jwtSecret = randomBytes(32).toString('base64url');
  const running = new Map<ServiceName, SpawnedService>();
  let stopping = false;
  const stop = async () => {
    stopping = true;
    // Gateway first, so that no new command reaches a conversation service on its way out.
    for (const service of ['gateway', 'identity', 'conversation'] as const) await running.get(service)?.stop(10_000);
    await dropQuietly(database);
    await nats.cleanup().catch(() => undefined);
  };
  try {
    // The conversation service first: it migrates the event store and creates the JetStream
    // stream, and a gateway starting at the same moment would race it for the same objects.
    const identityPort = await freePort();
    for (const service of ['conversation', 'identity', 'gateway'] as const) {
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
      const instance = spawnService(service, env, service === 'identity' ? identityPort : await freePort());
      running.set(service, instance);
      await waitUntilReady(instance).catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${instance.output().slice(-4000)}`);
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const gateway = running.get('gateway')!;
  const conversation = running.get('conversation')!;
  const identity = running.get('identity')!;
  return {
    httpBase: gateway.url,
    wsBase: `ws://127.0.0.1:${gateway.port}`,
    adminToken,
    pids: { gateway: gateway.child.pid!, identity: identity.child.pid!, conversation: conversation.child.pid! },
    crashed() {
      if (stopping) return undefined;
      for (const [service, instance] of running) {
        if (instance.child.exitCode !== null || instance.child.signalCode !== null) {
          return `${service} exited (${instance.child.exitCode ?? instance.child.signalCode}):\n${instance.output().slice(-4000)}`;
        }
      }
      return undefined;
    },
    stop,
  };
}

async function dropQuietly(database: TestDatabase): Promise<void> {
  await database.drop().catch((error: unknown) => console.error(`could not drop ${database.name}: ${String(error)}`));
}
