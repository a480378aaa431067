import type { Redis } from 'ioredis';
import type { AgentSnapshot } from '../recovery/fold-agent.js';
import type { ChatSnapshot } from '../recovery/fold-conversation.js';
import type { Hold } from '../recovery/plan-restore.js';
import { RedisScript } from './redis-script.js';
import { RESTORE_LUA } from './restore.lua.js';
import { ORGANIZATIONS_KEY, organizationBaseKey, routingKey } from './routing-keys.js';
import { replyNumber } from './script-reply.js';

/** One part of a restore plan, written in one atomic step. */
export interface RestorePart {
  positions?: { streamId: string; version: number }[];
  agents?: AgentSnapshot[];
  lastAssignments?: { agentId: string; atMs: number }[];
  chats?: ChatSnapshot[];
  holds?: Hold[];
  groupIds?: string[];
}

/** What the epoch key records of the rebuild that wrote it. */
export interface RoutingEpoch {
  rebuilt_at_ms: number;
  by: string;
  chats: number;
  agents: number;
}

const restoreScript = new RedisScript('restore', RESTORE_LUA);

/** Renews the lock only for its owner (a lock that expired and was taken over stays the new owner's). */
const RENEW_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The Redis side of a rebuild (recovery/routing-state-recovery.ts): the epoch that says an
 * organization's state is whole, the lock that lets one replica at a time build it, clearing
 * what is left of a damaged state, and writing the restore plan.
 */
export class RoutingRestore {
  constructor(private readonly redis: Redis) {}

  async hasEpoch(organizationId: string): Promise<boolean> {
    return (await this.redis.exists(routingKey(organizationId, 'epoch'))) === 1;
  }

  /** The organizations among these whose epoch is missing (one round trip). */
  async lost(organizationIds: readonly string[]): Promise<string[]> {
    if (organizationIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const organizationId of organizationIds) pipeline.exists(routingKey(organizationId, 'epoch'));
    const results = (await pipeline.exec()) ?? [];
    return organizationIds.filter((_, i) => {
      const [error, exists] = results[i] ?? [null, 1];
      return !error && exists === 0;
    });
  }

  async acquireLock(organizationId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(routingKey(organizationId, 'rebuildLock'), owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async renewLock(organizationId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW_LOCK_LUA, 1, routingKey(organizationId, 'rebuildLock'), owner, ttlMs)) === 1;
  }

  async releaseLock(organizationId: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE_LOCK_LUA, 1, routingKey(organizationId, 'rebuildLock'), owner);
  }

  /**
   * Deletes every key of the organization but the rebuild lock: what survived a partial loss
   * (an eviction, a replica behind its primary) is not trusted, since it may hold chats that
   * ended or slots that moved while the lost writes were made.
   */
  async clear(organizationId: string): Promise<number> {
    const prefix = this.redis.options.keyPrefix ?? '';
    const lock = prefix + routingKey(organizationId, 'rebuildLock');
    // SCAN's pattern is not prefixed by ioredis, nor are the keys it answers unprefixed.
    const pattern = `${prefix + organizationBaseKey(organizationId).replace(/[*?[\]\\]/g, '\\$&')}*`;
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      const doomed = keys.filter((key) => key !== lock).map((key) => key.slice(prefix.length));
      if (doomed.length > 0) deleted += await this.redis.del(...doomed);
    } while (cursor !== '0');
    return deleted;
  }

  /** Writes one part; false when a stream of it was applied meanwhile (nothing written). */
  async restore(organizationId: string, part: RestorePart): Promise<boolean> {
    const reply = await restoreScript.run(
      this.redis,
      organizationBaseKey(organizationId),
      [JSON.stringify(part)],
      organizationId,
    );
    return replyNumber('restore', reply) === 1;
  }

  /** The state is whole: scripts run on it again. Written last, with the organization listed. */
  async seal(organizationId: string, epoch: RoutingEpoch): Promise<void> {
    await this.redis.sadd(ORGANIZATIONS_KEY, organizationId);
    await this.redis.set(routingKey(organizationId, 'epoch'), JSON.stringify(epoch));
  }

  /** What the epoch records of the last rebuild, or null (no epoch, or not one a rebuild wrote). */
  async epoch(organizationId: string): Promise<RoutingEpoch | null> {
    const epoch = await this.redis.get(routingKey(organizationId, 'epoch'));
    if (epoch === null) return null;
    try {
      const parsed = JSON.parse(epoch) as Partial<RoutingEpoch>;
      return typeof parsed.rebuilt_at_ms === 'number' && typeof parsed.agents === 'number'
        ? (parsed as RoutingEpoch)
        : null;
    } catch {
      return null;
    }
  }
}
