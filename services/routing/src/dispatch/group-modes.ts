import type { Redis } from 'ioredis';
import { routingKey } from '../state/routing-keys.js';

/**
 * The routing mode of each group (`auto`, or `manual`: agents pick from the queue), as the
 * gateway reports it with the agents' profiles, and the groups routing has seen per
 * organization. Plain Redis hashes: last writer wins, and every writer writes the same truth.
 */
export function groupModes(redis: Redis) {
  const key = (organizationId: string) => routingKey(organizationId, 'groupModes');
  return {
    async remember(organizationId: string, groups: readonly { group_id: string; routing: 'auto' | 'manual' }[]): Promise<void> {
      if (groups.length === 0) return;
      await redis.hset(key(organizationId), Object.fromEntries(groups.map((group) => [group.group_id, group.routing])));
    },
    async see(organizationId: string, groupId: string): Promise<void> {
      await redis.hsetnx(key(organizationId), groupId, 'auto');
    },
    async mode(organizationId: string, groupId: string): Promise<'auto' | 'manual'> {
      return (await redis.hget(key(organizationId), groupId)) === 'manual' ? 'manual' : 'auto';
    },
    async groups(organizationId: string): Promise<string[]> {
      return redis.hkeys(key(organizationId));
    },
  };
}
