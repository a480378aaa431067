import net from 'node:net';
import { startContainers } from './containers.js';

export interface ServiceUrls {
  databaseUrl: string;
  natsUrl: string;
  redisUrl: string;
}

const LOCAL: ServiceUrls = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: 'nats://127.0.0.1:4222',
  redisUrl: 'redis://127.0.0.1:6379',
};

let resolved: Promise<ServiceUrls> | undefined;

/**
 * Where the real Postgres, NATS and Redis of this test run are:
 * 1. `DATABASE_URL`, `NATS_URL` and `REDIS_URL` when set (CI sets them to the local servers);
 * 2. otherwise containers started with testcontainers when a Docker engine answers;
 * 3. otherwise the local servers on their default ports when all three answer;
 * 4. otherwise an error that says what to start.
 * `DATABASE_URL` names a database the tests may connect to in order to create their own.
 */
export function serviceUrls(): Promise<ServiceUrls> {
  resolved ??= resolveServiceUrls();
  return resolved;
}

async function resolveServiceUrls(): Promise<ServiceUrls> {
  const { DATABASE_URL, NATS_URL, REDIS_URL } = process.env;
  if (DATABASE_URL || NATS_URL || REDIS_URL) {
    return {
      databaseUrl: DATABASE_URL ?? LOCAL.databaseUrl,
      natsUrl: NATS_URL ?? LOCAL.natsUrl,
      redisUrl: REDIS_URL ?? LOCAL.redisUrl,
    };
  }
  const fromContainers = await startContainers();
  if (fromContainers) return fromContainers;
  const answering = await Promise.all([
    portAnswers('127.0.0.1', 5432),
    portAnswers('127.0.0.1', 4222),
    portAnswers('127.0.0.1', 6379),
  ]);
  if (answering.every(Boolean)) return LOCAL;
  throw new Error(
    'livedesk tests need PostgreSQL, NATS with JetStream and Redis. Set DATABASE_URL, NATS_URL ' +
      'and REDIS_URL, or start a Docker engine (testcontainers), or start the local servers ' +
      '(Postgres on 5432, `nats-server -js` on 4222, Redis on 6379). Not answering: ' +
      ['postgres:5432', 'nats:4222', 'redis:6379'].filter((_, i) => !answering[i]).join(', '),
  );
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
