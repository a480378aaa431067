import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CLOCK, REDIS, SERVICE_CONFIG, type Clock, type ServiceConfig } from '@livedesk/service-kit';
import { z } from 'zod';
import type { RoutingConfig } from '../routing-config.js';

/**
 * A timer: an agent who must reply to a chat, an agent whose sockets are all gone, the lease
 * on a dispatcher's reservation, a queued chat whose customer may have left (`customer_left`,
 * checked while the chat is queued), or an active live chat that may have gone silent
 * (`inactivity`, moved by every message).
 */
export const RoutingTimer = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('auto_transfer'),
    organization_id: z.string(),
    chat_id: z.string(),
    agent_id: z.string(),
    group_id: z.string(),
  }),
  z.object({ kind: z.literal('presence_grace'), organization_id: z.string(), agent_id: z.string() }),
  // Stored before the reservation it covers, so it names a lease id, not a chat (dispatcher.ts).
  z.object({
    kind: z.literal('reservation_lease'),
    organization_id: z.string(),
    group_id: z.string(),
    lease_id: z.string(),
  }),
  z.object({ kind: z.literal('customer_left'), organization_id: z.string(), chat_id: z.string() }),
  z.object({ kind: z.literal('inactivity'), organization_id: z.string(), chat_id: z.string() }),
  // Stored after the reservation by replicas of earlier versions; still fired during a rolling upgrade.
  z.object({
    kind: z.literal('reservation'),
    organization_id: z.string(),
    chat_id: z.string(),
    agent_id: z.string(),
    group_id: z.string(),
    queued_at_ms: z.number(),
  }),
]);
export type RoutingTimer = z.infer<typeof RoutingTimer>;

/**
 * Timers that survive a restart and are shared by the replicas: a Redis sorted set of due
 * times. Every replica polls it; ZREM decides which one fires a due timer (only one removes
 * it), so each fires once. A replica that dies after removing a timer and before acting loses
 * that one firing; the cases here are re-checked by their next trigger (a new assignment, the
 * next presence change).
 */
@Injectable()
export class RoutingTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoutingTimers.name);
  private handler: ((timer: RoutingTimer) => Promise<void>) | undefined;
  private poller: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  /** Per deployment (the subject prefix): test runs sharing a Redis never fire each other's timers. */
  private readonly key: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: RoutingConfig & ServiceConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.key = `routing:{${config.LIVEDESK_SUBJECT_PREFIX}}:timers`;
  }

  onFire(handler: (timer: RoutingTimer) => Promise<void>): void {
    this.handler = handler;
  }

  async set(timer: RoutingTimer, dueAtMs: number): Promise<void> {
    await this.redis.zadd(this.key, dueAtMs, memberOf(timer));
  }

  /** Sets the timer unless it is pending already (then its due time stays). */
  async setIfAbsent(timer: RoutingTimer, dueAtMs: number): Promise<void> {
    await this.redis.zadd(this.key, 'NX', dueAtMs, memberOf(timer));
  }

  async clear(timer: RoutingTimer): Promise<void> {
    await this.redis.zrem(this.key, memberOf(timer));
  }

  onApplicationBootstrap(): void {
    this.poller = setInterval(() => {
      this.polling ??= this.poll().finally(() => (this.polling = undefined));
    }, this.config.ROUTING_TIMER_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.poller);
    await this.polling;
  }

  private async poll(): Promise<void> {
    try {
      const due = await this.redis.zrangebyscore(this.key, '-inf', this.clock.now().getTime(), 'LIMIT', 0, 100);
      for (const member of due) {
        if ((await this.redis.zrem(this.key, member)) !== 1) continue; // another replica took it
        const timer = RoutingTimer.safeParse(JSON.parse(member));
        if (timer.success) await this.handler?.(timer.data);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'timer round failed');
    }
  }
}

/** A timer's identity is its content: setting it again moves its due time. */
function memberOf(timer: RoutingTimer): string {
  // Parsed, so that the key order (and so the member) is the schema's whatever the caller wrote.
  return JSON.stringify(RoutingTimer.parse(timer));
}
