import type { Redis } from 'ioredis';
import { ORGANIZATIONS_KEY, routingKey } from '../state/routing-keys.js';

/**
 * The routing mode of each group (`auto`, or `manual`: agents pick from the queue), as the
 * gateway reports it with the agents' profiles (written by upsert-agent.lua.ts), and the groups
 * routing has seen per organization. A plain Redis hash: last writer wins, and every writer
 * writes the same truth. Seeing a group also lists its organization (ORGANIZATIONS_KEY).
 */
export function groupModes(redis: Redis) {
  const key = (organizationId: string) => routingKey(organizationId, 'groupModes');
  return {
    async see(organizationId: string, groupId: string): Promise<void> {
      // Two commands of one moment: auto-pipelining sends them in one write.
      await Promise.all([
        redis.hsetnx(key(organizationId), groupId, 'auto'),
        redis.sadd(ORGANIZATIONS_KEY, organizationId),
      ]);
    },
    async mode(organizationId: string, groupId: string): Promise<'auto' | 'manual'> {
      return (await redis.hget(key(organizationId), groupId)) === 'manual' ? 'manual' : 'auto';
    },
    async groups(organizationId: string): Promise<string[]> {
      return redis.hkeys(key(organizationId));
    },
  };
}
