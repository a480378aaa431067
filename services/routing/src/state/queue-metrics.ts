import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { CLOCK, METRICS_REGISTRY, REDIS, type Clock } from '@livedesk/service-kit';
import { KEY_TAGS } from './routing-keys.js';

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
 * alert on the max. One SCAN over the keyspace per scrape (routing:{org}:queue:<group> keys).
 */
@Injectable()
export class QueueMetrics {
  private pending: Promise<GroupQueue[]> | undefined;

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
    const prefix = this.redis.options.keyPrefix ?? '';
    // SCAN's pattern is not prefixed by ioredis, nor are the keys it answers unprefixed.
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}routing:{*}:${KEY_TAGS.queue}*`;
    const found: { organizationId: string; groupId: string; key: string }[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const parsed = parseQueueKey(key.slice(prefix.length));
        if (parsed) found.push({ ...parsed, key: key.slice(prefix.length) });
      }
    } while (cursor !== '0');
    if (found.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { key } of found) {
      pipeline.zcard(key);
      pipeline.zrange(key, 0, 0, 'WITHSCORES');
    }
    const replies = (await pipeline.exec()) ?? [];
    return found.map(({ organizationId, groupId }, i) => {
      const depth = Number(replies[2 * i]?.[1] ?? 0);
      const first = replies[2 * i + 1]?.[1] as string[] | undefined;
      return {
        organizationId,
        groupId,
        depth,
        oldestQueuedAtMs: first && first.length === 2 ? Number(first[1]) : null,
      };
    });
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
