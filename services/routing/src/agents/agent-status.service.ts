import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { streamId, type AgentProfile, type RoutingStatus } from '@livedesk/contracts';
import { EventStore } from '@livedesk/event-store';
import { CLOCK, EVENT_STORE, REDIS, SERVICE_CONFIG, type Clock } from '@livedesk/service-kit';
import { ConversationCommands } from '../dispatch/conversation-commands.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { TRANSFER_NOTES } from '../dispatch/transfer-notes.js';
import { RoutingSignals } from '../dispatch/routing-signals.js';
import type { RoutingConfig } from '../routing-config.js';
import { RoutingStateRecovery } from '../recovery/routing-state-recovery.js';
import { routingKey } from '../state/routing-keys.js';
import { RoutingState } from '../state/routing-state.js';
import { RoutingTimers } from '../timers/routing-timers.js';

type Reason = 'agent' | 'presence' | 'supervisor' | 'system';

/**
 * Agent status: set by the agent or a supervisor, and by presence (every socket gone for the
 * grace period: offline; back: the status the agent had chosen). Every change is an
 * `AgentStatusChanged` event in the agent's stream, which the metrics read.
 */
@Injectable()
export class AgentStatusService {
  private readonly logger = new Logger(AgentStatusService.name);

  constructor(
    private readonly state: RoutingState,
    private readonly dispatcher: Dispatcher,
    private readonly timers: RoutingTimers,
    private readonly signals: RoutingSignals,
    private readonly conversations: ConversationCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: RoutingConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly recovery: RoutingStateRecovery,
  ) {}

  /**
   * The agent's groups, their routing modes and the agent's limits, as the identity service's directory
   * says. When it joins a group (first seen, seen again after a rebuild, which restores no
   * groups, or an admin added it to one) or its limit was raised, the queued chats may now have
   * someone to go to.
   */
  async learn(organizationId: string, agentId: string, profile: AgentProfile): Promise<void> {
    const { joinedGroups, raisedLimit } = await this.state.upsertAgent(organizationId, {
      agentId,
      groupIds: profile.groups.map((group) => group.group_id),
      groupModes: Object.fromEntries(profile.groups.map((group) => [group.group_id, group.routing])),
      maxChats: {
        chat: profile.max_chats ?? this.config.ROUTING_MAX_CHATS,
        messaging: Math.max(profile.max_chats ?? 0, this.config.ROUTING_MAX_MESSAGING_CHATS),
      },
    });
    if (joinedGroups > 0 || raisedLimit) {
      for (const group of profile.groups) this.dispatcher.poke(organizationId, group.group_id);
    }
  }

  async setStatus(
    organizationId: string,
    agentId: string,
    status: RoutingStatus,
    reason: Reason,
  ): Promise<RoutingStatus> {
    const chosen = reason === 'presence' ? undefined : status === 'offline' ? 'not_accepting' : status;
    const occurredAt = this.clock.now();
    const { from, to } = await this.state.setStatus(organizationId, agentId, status, occurredAt.getTime(), chosen);
    if (from === to) return to;
    await this.store.appendToStream(
      streamId('agent', agentId),
      [
        {
          eventId: randomUUID(),
          type: 'AgentStatusChanged',
          data: { agent_id: agentId, from, to, reason },
          occurredAt,
        },
      ],
      'any',
      { organizationId },
    );
    this.signals.publish({ type: 'routing_status', organization_id: organizationId, agent_id: agentId, status: to });
    if (to === 'accepting') await this.dispatcher.pokeAll(organizationId);
    if (to === 'offline') await this.requeueChatsOf(organizationId, agentId);
    return to;
  }

  /**
   * A socket of the agent opened or closed, on any gateway replica. The first socket brings the
   * agent back to the status they chose (accepting, the first time); the last one to close
   * starts the grace period after which the agent is offline. The gateways also report open
   * sockets periodically (`refresh`), which is how a rebuilt state learns who is connected.
   */
  async presence(
    organizationId: string,
    agentId: string,
    connectionId: string,
    online: boolean,
    refresh = false,
  ): Promise<RoutingStatus> {
    const key = this.connectionsKey(organizationId, agentId);
    const grace = { kind: 'presence_grace' as const, organization_id: organizationId, agent_id: agentId };
    if (online) {
      await this.redis.sadd(key, connectionId);
      await this.timers.clear(grace);
      const status = await this.state.status(organizationId, agentId);
      // A refresh only confirms the socket: a supervisor's `offline` stays until the agent returns.
      if (status !== 'offline' || refresh) return status;
      const chosen = ((await this.redis.hget(this.chosenKey(organizationId), agentId)) ?? 'accepting') as RoutingStatus;
      return this.setStatus(organizationId, agentId, chosen, 'presence');
    }
    await this.redis.srem(key, connectionId);
    if ((await this.redis.scard(key)) === 0) {
      await this.timers.set(grace, this.clock.now().getTime() + this.config.ROUTING_PRESENCE_GRACE_SECONDS * 1000);
    }
    return this.state.status(organizationId, agentId);
  }

  /**
   * The grace period ended: offline, unless a socket came back meanwhile. A state rebuilt a
   * moment ago knows no sockets until the gateways have reported them (a timer that survived
   * the loss can fire before): the agent then gets until the reports are due.
   */
  async graceEnded(organizationId: string, agentId: string): Promise<void> {
    const grace = { kind: 'presence_grace' as const, organization_id: organizationId, agent_id: agentId };
    await this.state.status(organizationId, agentId); // a lost state is rebuilt before its sockets are counted
    if ((await this.redis.scard(this.connectionsKey(organizationId, agentId))) > 0) return;
    const rebuiltAtMs = await this.recovery.rebuiltWithAgentsAtMs(organizationId);
    const reportsDueAtMs = rebuiltAtMs === null ? 0 : rebuiltAtMs + this.config.ROUTING_PRESENCE_REFRESH_SECONDS * 1000;
    if (reportsDueAtMs > this.clock.now().getTime()) {
      await this.timers.set(grace, reportsDueAtMs);
      return;
    }
    await this.setStatus(organizationId, agentId, 'offline', 'presence');
  }

  /** `offline` with open chats sends them back to their groups' queues. */
  private async requeueChatsOf(organizationId: string, agentId: string): Promise<void> {
    for (const chatId of await this.state.agentChats(organizationId, agentId)) {
      const chat = await this.state.chat(organizationId, chatId);
      if (!chat) continue;
      try {
        await this.conversations.requeue(organizationId, chatId, chat.groupId, TRANSFER_NOTES.agentOffline);
      } catch (error) {
        this.logger.warn({ err: error, chatId }, 'could not queue the chat of an agent who went offline');
      }
    }
  }

  private connectionsKey(organizationId: string, agentId: string): string {
    return routingKey(organizationId, 'connections', agentId);
  }

  private chosenKey(organizationId: string): string {
    return routingKey(organizationId, 'chosenStatus');
  }
}
