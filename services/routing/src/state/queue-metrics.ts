import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { CLOCK, METRICS_REGISTRY, REDIS, type Clock } from '@livedesk/service-kit';
import { KEY_TAGS, ORGANIZATIONS_KEY, ORGANIZATIONS_LISTED_KEY, routingKey } from './routing-keys.js';

interface GroupQueue {
  organizationId: string;
  groupId: string;
  depth: number;
  /** The first queued time of the chat waiting longest (epoch ms), or null when the queue is empty. */
  oldestQueuedAtMs: number | null;
}

/**
 * Every group's queue, read from Redis at each scrape: `routing_queue_depth`, the chats waiting
 * in it, and `routing_queue_oldest_wait_seconds`, how long the first of them has been waiting,
 * by organization and group. Every replica reports every queue (the state is shared in Redis):
 * alert on the max.
 *
 * A scrape reads the organizations routing lists (ORGANIZATIONS_KEY), their groups, and each
 * group's queue: three round trips (two pipelined), whatever else Redis holds; an organization
 * whose state is gone leaves the list at the scrape that finds it so. It used to SCAN
 * the whole keyspace, which the chats' stream positions and the customers' sockets fill (kept
 * a month): O(every key) per scrape and replica. The first scrape after an upgrade scans once,
 * to list the organizations of a state written before they were listed.
 */
@Injectable()
export class QueueMetrics {
  private pending: Promise<GroupQueue[]> | undefined;
  private listed = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CLOCK) clock: Clock,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const read = () => (this.pending ??= this.queues().finally(() => setImmediate(() => (this.pending = undefined))));
    new Gauge({
      name: 'routing_queue_depth',
      help: 'Chats waiting in the queue of a group, by organization and group',
      labelNames: ['organization_id', 'group_id'],
      registers: [registry],
      async collect() {
        try {
          const queues = await read();
          this.reset();
          for (const queue of queues)
            this.set({ organization_id: queue.organizationId, group_id: queue.groupId }, queue.depth);
        } catch {
          // Redis away: the scrape goes on without this figure (readiness says why).
          this.reset();
        }
      },
    });
    new Gauge({
      name: 'routing_queue_oldest_wait_seconds',
      help: 'How long the chat waiting longest in the queue of a group has waited (0 when the queue is empty)',
      labelNames: ['organization_id', 'group_id'],
      registers: [registry],
      async collect() {
        try {
          const queues = await read();
          const now = clock.now().getTime();
          this.reset();
          for (const queue of queues) {
            const seconds = queue.oldestQueuedAtMs === null ? 0 : Math.max(0, now - queue.oldestQueuedAtMs) / 1000;
            this.set({ organization_id: queue.organizationId, group_id: queue.groupId }, seconds);
          }
        } catch {
          this.reset();
        }
      },
    });
  }

  /** Every non-empty group queue of every organization (an empty sorted set does not exist in Redis). */
  async queues(): Promise<GroupQueue[]> {
    if (!this.listed) {
      if (!(await this.redis.exists(ORGANIZATIONS_LISTED_KEY))) await this.listOrganizationsOfOlderStates();
      this.listed = true;
    }
    const organizations = await this.redis.smembers(ORGANIZATIONS_KEY);
    if (organizations.length === 0) return [];
    const groupsOf = this.redis.pipeline();
    for (const organizationId of organizations) groupsOf.hkeys(routingKey(organizationId, 'groupModes'));
    const groupReplies = (await groupsOf.exec()) ?? [];
    const found: { organizationId: string; groupId: string; key: string }[] = [];
    const gone: string[] = [];
    organizations.forEach((organizationId, i) => {
      const [error, groups] = groupReplies[i] ?? [null, []];
      if (error || !Array.isArray(groups)) return;
      if (groups.length === 0) gone.push(organizationId);
      for (const groupId of groups as string[])
        found.push({ organizationId, groupId, key: routingKey(organizationId, 'queue', groupId) });
    });
    if (gone.length > 0) await this.unlist(gone);
    if (found.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { key } of found) {
      pipeline.zcard(key);
      pipeline.zrange(key, 0, 0, 'WITHSCORES');
    }
    const replies = (await pipeline.exec()) ?? [];
    return found.flatMap(({ organizationId, groupId }, i) => {
      const depth = Number(replies[2 * i]?.[1] ?? 0);
      if (depth === 0) return [];
      const first = replies[2 * i + 1]?.[1] as string[] | undefined;
      return [
        { organizationId, groupId, depth, oldestQueuedAtMs: first && first.length === 2 ? Number(first[1]) : null },
      ];
    });
  }

  /**
   * Takes out of the list the organizations whose state is gone (no group known: their keys were
   * deleted), so that the list, and a scrape's work, follows the organizations routing holds,
   * not every one it ever saw. A group seen meanwhile lists its organization again: `see` writes
   * the group, then lists; so the group, read again after the removal, puts back an organization
   * that a `see` of that moment could have lost (its add landing before the removal). Runs on
   * every replica's scrape; the steps are idempotent.
   */
  private async unlist(organizations: readonly string[]): Promise<void> {
    await this.redis.srem(ORGANIZATIONS_KEY, ...organizations);
    const check = this.redis.pipeline();
    for (const organizationId of organizations) check.exists(routingKey(organizationId, 'groupModes'));
    const replies = (await check.exec()) ?? [];
    const back = organizations.filter((_, i) => replies[i]?.[0] !== null || replies[i]?.[1] !== 0);
    if (back.length > 0) await this.redis.sadd(ORGANIZATIONS_KEY, ...back);
  }

  /**
   * Lists the organizations whose queues were written before routing listed organizations
   * (an upgrade): one SCAN, then a mark that it was done, so that it is done once per Redis.
   */
  private async listOrganizationsOfOlderStates(): Promise<void> {
    const prefix = this.redis.options.keyPrefix ?? '';
    // SCAN's pattern is not prefixed by ioredis, nor are the keys it answers unprefixed.
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}routing:{*}:${KEY_TAGS.queue}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      const organizations = new Set<string>();
      for (const key of keys) {
        const parsed = parseQueueKey(key.slice(prefix.length));
        if (parsed) organizations.add(parsed.organizationId);
      }
      if (organizations.size > 0) await this.redis.sadd(ORGANIZATIONS_KEY, ...organizations);
    } while (cursor !== '0');
    await this.redis.set(ORGANIZATIONS_LISTED_KEY, new Date().toISOString());
  }
}

/**
 * `routing:{<org>}:queue:<group>` → its organization and group; null for any other key the
 * pattern matched (a chat id may contain `}:queue:`, an organization id never holds a brace).
 */
export function parseQueueKey(key: string): { organizationId: string; groupId: string } | null {
  const start = 'routing:{';
  if (!key.startsWith(start)) return null;
  const close = key.indexOf('}', start.length);
  if (close <= start.length) return null;
  const rest = key.slice(close + 1);
  const tag = `:${KEY_TAGS.queue}`;
  if (!rest.startsWith(tag) || rest.length === tag.length) return null;
  return { organizationId: key.slice(start.length, close), groupId: rest.slice(tag.length) };
}
