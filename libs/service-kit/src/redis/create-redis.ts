import { Redis } from 'ioredis';

/**
 * Connects before the service reports ready. ioredis keeps reconnecting afterwards; commands
 * issued while Redis is away fail after a few retries instead of queueing without bound.
 */
export async function createRedis(url: string, connectionName: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, connectionName, maxRetriesPerRequest: 3 });
  await redis.connect();
  return redis;
}
