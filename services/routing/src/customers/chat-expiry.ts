import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChainableCommander, Redis } from 'ioredis';
import { CommandFailedError } from '@livedesk/messaging';
import { CLOCK, REDIS, SERVICE_CONFIG, together, type Clock } from '@livedesk/service-kit';
import { ConversationCommands } from '../dispatch/conversation-commands.js';
import type { RoutingConfig } from '../routing-config.js';
import { routingKey } from '../state/routing-keys.js';
import { RoutingState } from '../state/routing-state.js';
import type { ChatView } from '../state/routing-state-types.js';
import { RoutingTimers, type RoutingTimer } from '../timers/routing-timers.js';
import { OrganizationSettings } from './organization-settings.js';

/**
 * Chats that end by themselves (docs/protocol.md, `chat_deactivated`):
 * - a queued live chat whose customer has had no socket for CHAT_ABANDON_SECONDS is closed as
 *   `customer_left` (missed, left_in_queue); never one of the messaging channel. The gateways report the customer's sockets
 *   (`customer_presence`); a `customer_left` timer per queued chat checks them, at the latest
 *   CHAT_ABANDON_SECONDS after the chat was queued or the customer's last socket closed;
 * - an active live chat with no message for the organization's `chat_inactivity_seconds` is
 *   closed as `inactive`: an `inactivity` timer per chat, moved by every message.
 * The timers are routing's (Redis, shared by the replicas, kept across restarts); the close
 * itself is decided by the conversation service, which refuses one that no longer holds (an
 * agent took the chat, a message came), so a late or repeated timer changes nothing.
 */
@Injectable()
export class ChatExpiry {
  private readonly logger = new Logger(ChatExpiry.name);

  constructor(
    private readonly state: RoutingState,
    private readonly timers: RoutingTimers,
    private readonly conversations: ConversationCommands,
    private readonly settings: OrganizationSettings,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: RoutingConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private get abandonMs(): number {
    return this.config.CHAT_ABANDON_SECONDS * 1000;
  }

  /** A socket no report renewed for this long counts as gone (the gateways report every RTM_PRESENCE_REFRESH_SECONDS). */
  private get staleMs(): number {
    return 2 * this.config.ROUTING_PRESENCE_REFRESH_SECONDS * 1000;
  }

  /** A customer socket opened (or is still open: `refresh`) or closed, on any gateway. */
  async presence(organizationId: string, customerId: string, connectionId: string, online: boolean): Promise<void> {
    const now = this.clock.now().getTime();
    if (online) {
      await this.recordOpen(this.redis.multi(), now, organizationId, customerId, connectionId).exec();
      return;
    }
    const sockets = routingKey(organizationId, 'customerConnections', customerId);
    await this.redis
      .multi()
      .zrem(sockets, connectionId)
      .set(routingKey(organizationId, 'customerGone', customerId), String(now), 'PX', 2 * this.abandonMs + this.staleMs)
      .exec();
  }

  /**
   * A gateway's periodic report of many customer sockets still open (`customer_presence_refresh`):
   * each recorded as `presence` records an open one, an organization's in one transaction (its
   * keys share one Redis Cluster slot), the organizations' transactions sent together.
   */
  async refresh(
    sockets: readonly { organization_id: string; customer_id: string; connection_id: string }[],
  ): Promise<void> {
    const now = this.clock.now().getTime();
    const byOrganization = new Map<string, ChainableCommander>();
    for (const socket of sockets) {
      let multi = byOrganization.get(socket.organization_id);
      if (!multi) byOrganization.set(socket.organization_id, (multi = this.redis.multi()));
      this.recordOpen(multi, now, socket.organization_id, socket.customer_id, socket.connection_id);
    }
    await Promise.all([...byOrganization.values()].map((multi) => multi.exec()));
  }

  /** The socket seen open now; the customer's sockets no report renewed for staleMs dropped. */
  private recordOpen(
    multi: ChainableCommander,
    now: number,
    organizationId: string,
    customerId: string,
    connectionId: string,
  ): ChainableCommander {
    const sockets = routingKey(organizationId, 'customerConnections', customerId);
    return multi
      .zadd(sockets, now, connectionId)
      .zremrangebyscore(sockets, '-inf', now - this.staleMs)
      .pexpire(sockets, 2 * this.staleMs);
  }

  /** ConversationQueued: from now on the chat waits, and its customer must stay (live chat only). */
  async queued(organizationId: string, chatId: string, atMs: number): Promise<void> {
    const [, chat] = await together([
      this.timers.clear({ kind: 'inactivity', organization_id: organizationId, chat_id: chatId }),
      this.state.chat(organizationId, chatId),
    ]);
    // A messaging chat waits for its answer whether or not its customer stays on the page.
    if (chat?.channel === 'messaging') return;
    await this.timers.set(
      leftTimer(organizationId, chatId),
      Math.max(atMs, this.clock.now().getTime()) + this.abandonMs,
    );
  }

  /**
   * An assignment or a message of a live chat: its inactivity period starts again. `known` is the
   * chat as the caller knows it already (an assignment's handler: its channel and new agent), so
   * it is not read again; null for a chat known to be gone.
   */
  async active(
    organizationId: string,
    chatId: string,
    atMs: number,
    known?: Pick<ChatView, 'channel' | 'agentId'> | null,
  ): Promise<void> {
    const chat = known === undefined ? await this.state.chat(organizationId, chatId) : known;
    // Only a chat an agent holds; messaging chats never go inactive.
    if (chat?.channel !== 'chat' || chat.agentId === null) return;
    const seconds = await this.settings.inactivitySeconds(organizationId);
    await this.timers.set(inactivityTimer(organizationId, chatId), atMs + seconds * 1000);
  }

  /** The chat ended: nothing of it is due any more. */
  async ended(organizationId: string, chatId: string): Promise<void> {
    await together([
      this.timers.clear(leftTimer(organizationId, chatId)),
      this.timers.clear(inactivityTimer(organizationId, chatId)),
    ]);
  }

  /** The `customer_left` timer is due: close the chat if its customer has been gone long enough, else look again later. */
  async checkCustomerLeft(organizationId: string, chatId: string): Promise<void> {
    const chat = await this.state.chat(organizationId, chatId);
    if (!chat || chat.queuedAtMs === null || chat.channel !== 'chat') return; // ended, not queued in this cycle, or messaging
    if (chat.agentId !== null && !chat.reserved) return; // an agent has it: no longer waiting
    const now = this.clock.now().getTime();
    const again = (atMs: number) => this.timers.set(leftTimer(organizationId, chatId), atMs);
    if (chat.reserved) return again(now + this.abandonMs); // being assigned: it may come back to the queue
    const goneSince = await this.goneSinceMs(organizationId, chat.customerId, now);
    if (goneSince === 'connected') return again(now + this.abandonMs);
    if (goneSince === null) {
      // Nothing known of the customer's sockets (a Redis that lost them): the gateways' next
      // refresh reports them; gone only if none does within the period.
      await this.redis.set(
        routingKey(organizationId, 'customerGone', chat.customerId),
        String(now),
        'PX',
        2 * this.abandonMs + this.staleMs,
      );
      return again(now + this.abandonMs);
    }
    if (now - goneSince < this.abandonMs) return again(goneSince + this.abandonMs);
    try {
      await this.conversations.closeAbandoned(organizationId, chatId);
    } catch (error) {
      if (error instanceof CommandFailedError && (error.code === 'conflict' || error.code === 'not_found')) return; // no longer queued
      this.logger.warn({ err: error, chatId }, 'could not close a chat its customer left; trying again');
      await again(now + this.abandonMs);
    }
  }

  /** The `inactivity` timer is due: the conversation service closes the chat if nothing came within the period. */
  async checkInactive(organizationId: string, chatId: string): Promise<void> {
    const chat = await this.state.chat(organizationId, chatId);
    if (!chat || chat.agentId === null || chat.reserved || chat.channel !== 'chat') return;
    const seconds = await this.settings.inactivitySeconds(organizationId);
    try {
      await this.conversations.closeInactive(organizationId, chatId, seconds);
    } catch (error) {
      if (error instanceof CommandFailedError && error.reason === 'not_inactive') {
        // A message came that this timer was not moved for, or the organization lengthened the
        // period since the timer was set: look again one period from now.
        await this.timers.set(inactivityTimer(organizationId, chatId), this.clock.now().getTime() + seconds * 1000);
        return;
      }
      if (error instanceof CommandFailedError && (error.code === 'conflict' || error.code === 'not_found')) return; // ended or queued meanwhile
      this.logger.warn({ err: error, chatId }, 'could not close an inactive chat; trying again');
      await this.timers.set(inactivityTimer(organizationId, chatId), this.clock.now().getTime() + seconds * 1000);
    }
  }

  /** `connected` while a fresh socket is known; else when the customer was last seen, or null when nothing is known. */
  private async goneSinceMs(
    organizationId: string,
    customerId: string,
    now: number,
  ): Promise<number | 'connected' | null> {
    const sockets = routingKey(organizationId, 'customerConnections', customerId);
    if ((await this.redis.zcount(sockets, now - this.staleMs, '+inf')) > 0) return 'connected';
    const [gone, last] = await Promise.all([
      this.redis.get(routingKey(organizationId, 'customerGone', customerId)),
      this.redis.zrevrange(sockets, 0, 0, 'WITHSCORES'),
    ]);
    const seen = [gone, last[1]].filter((value): value is string => value !== null && value !== undefined).map(Number);
    return seen.length === 0 ? null : Math.max(...seen);
  }
}

function leftTimer(organizationId: string, chatId: string): RoutingTimer {
  return { kind: 'customer_left', organization_id: organizationId, chat_id: chatId };
}

function inactivityTimer(organizationId: string, chatId: string): RoutingTimer {
  return { kind: 'inactivity', organization_id: organizationId, chat_id: chatId };
}
