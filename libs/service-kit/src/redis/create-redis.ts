import { Redis } from 'ioredis';

/**
 * Connects before the service reports ready. ioredis keeps reconnecting afterwards; commands
 * issued while Redis is away fail after a few retries instead of queueing without bound.
 *
 * Auto-pipelining: the commands issued in one turn of the event loop (routing's events handled
 * side by side, a storm's throttle checks) go to Redis in one socket write instead of one write
 * each. On a busy host the writes, not Redis, were the cost: a third of the routing service's
 * CPU under a burst of chats (bench/RESULTS.md, routing). Each command keeps its own reply.
 */
export async function createRedis(url: string, connectionName: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
  });
  await redis.connect();
  return redis;
}
