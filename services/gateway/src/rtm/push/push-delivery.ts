import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { pushFrame } from '@livedesk/contracts';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import { ConnectionRegistry } from '../connection-registry.js';
import type { RtmConfig } from '../rtm-config.js';
import type { RtmConnection } from '../rtm-connection.js';
import { RtmMetrics } from '../rtm-metrics.js';
import type { PlannedPush, Recipient } from './pushes-for-event.js';
import { QueueNotices, type QueuedChat } from './queue-notices.js';

/** A chat that left the queues, as `chats_dequeued` names it. */
interface DequeuedChat {
  chat_id: string;
  version: number;
}

/**
 * Sends planned pushes to the sockets of this replica. One connection can be reached twice (an
 * assigned supervisor, an agent of the group who is also the assignee): each action goes to it
 * once; `sent` holds `<connection id>:<action>` keys already sent (or not to send).
 */
@Injectable()
export class PushDelivery implements OnModuleDestroy {
  /** `chat_queued` to every agent, coalesced per organization (queue-notices.ts). */
  private readonly queueNotices: QueueNotices;
  /** `chat_dequeued` to every agent, coalesced the same way into `chats_dequeued`. */
  private readonly dequeueNotices: QueueNotices<DequeuedChat>;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly metrics: RtmMetrics,
    @Inject(SERVICE_CONFIG) config: RtmConfig,
  ) {
    this.queueNotices = new QueueNotices(config.RTM_QUEUE_PUSH_INTERVAL_MS, (organizationId, chats) =>
      this.sendQueued(organizationId, chats),
    );
    this.dequeueNotices = new QueueNotices<DequeuedChat>(config.RTM_DEQUEUE_PUSH_INTERVAL_MS, (organizationId, chats) =>
      this.sendToAgents(organizationId, 'chats_dequeued', { chats }),
    );
  }

  onModuleDestroy(): void {
    this.queueNotices.close();
    this.dequeueNotices.close();
  }

  async deliver(
    organizationId: string,
    pushes: readonly PlannedPush[],
    options: { sent?: Set<string>; payloadOf?: (push: PlannedPush) => Promise<Record<string, unknown>> } = {},
  ): Promise<void> {
    const sent = options.sent ?? new Set<string>();
    for (const push of pushes) {
      if (push.action === 'chat_queued' && push.to.kind === 'agents') {
        if (this.hasAgents(organizationId))
          this.queueNotices.add(organizationId, push.payload as unknown as QueuedChat);
        continue;
      }
      if (push.action === 'chat_dequeued' && push.to.kind === 'agents') {
        if (this.hasAgents(organizationId))
          this.dequeueNotices.add(organizationId, push.payload as unknown as DequeuedChat);
        continue;
      }
      const connections = [...this.connectionsOf(organizationId, push.to)].filter((connection) => {
        const key = `${connection.id}:${push.action}`;
        if (sent.has(key)) return false;
        sent.add(key);
        return true;
      });
      if (connections.length === 0) continue;
      const payload = options.payloadOf ? await options.payloadOf(push) : push.payload;
      const text = JSON.stringify(pushFrame(push.action, payload));
      for (const connection of connections) connection.sendText(text);
      this.metrics.pushes.inc({ action: push.action }, connections.length);
    }
  }

  /** One chat as `chat_queued` (as before coalescing), several as one `chats_queued`, to every agent socket of the organization. */
  private sendQueued(organizationId: string, chats: QueuedChat[]): void {
    if (chats.length === 1) this.sendToAgents(organizationId, 'chat_queued', chats[0]!);
    else this.sendToAgents(organizationId, 'chats_queued', { chats });
  }

  private sendToAgents(organizationId: string, action: string, payload: object): void {
    const connections = this.registry.agents(organizationId);
    if (connections.size === 0) return;
    const text = JSON.stringify(pushFrame(action, payload as Record<string, unknown>));
    for (const connection of connections) connection.sendText(text);
    this.metrics.pushes.inc({ action }, connections.size);
  }

  /** Whether the organization has a logged-in agent or supervisor on this replica. */
  hasAgents(organizationId: string): boolean {
    return this.registry.agents(organizationId).size > 0;
  }

  private connectionsOf(organizationId: string, to: Recipient): Iterable<RtmConnection> {
    switch (to.kind) {
      case 'customer':
        return this.registry.customer(organizationId, to.customerId);
      case 'agent':
        return this.registry.agent(organizationId, to.agentId);
      case 'supervisors':
        return this.registry.supervisors(organizationId);
      case 'agents':
        return this.registry.agents(organizationId);
    }
  }
}
