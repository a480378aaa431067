import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { allEvents, streamEntityId, type ConversationEvent } from '@livedesk/contracts';
import { EventStore, type RecordedEvent } from '@livedesk/event-store';
import { EVENT_STORE, REDIS, SERVICE_CONFIG, together } from '@livedesk/service-kit';
import { ChatExpiry } from '../customers/chat-expiry.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { groupModes } from '../dispatch/group-modes.js';
import type { RoutingConfig } from '../routing-config.js';
import { RoutingState } from '../state/routing-state.js';
import { RoutingTimers } from '../timers/routing-timers.js';

/**
 * What routing learns from the conversation events: chats entering and leaving queues, slots
 * taken and freed, and who must reply by when. Every step is idempotent in Redis, so a
 * redelivered event changes nothing; decisions run afterwards (`Dispatcher.poke`), outside
 * the subscription's transaction.
 */
@Injectable()
export class RoutingEventHandler {
  constructor(
    private readonly state: RoutingState,
    private readonly dispatcher: Dispatcher,
    private readonly timers: RoutingTimers,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: RoutingConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly expiry: ChatExpiry,
  ) {}

  /** The chat as its ConversationStarted (version 1) described it. */
  private async chatStartedEvent(organizationId: string, chatId: string, stream: string) {
    const [first] = await this.store.readStream(stream, { limit: 1 });
    if (first?.type !== 'ConversationStarted' || first.organizationId !== organizationId) return undefined;
    const data = first.data as { group_id: string; channel: 'chat' | 'messaging'; customer_id: string };
    return { chatId, groupId: data.group_id, channel: data.channel, customerId: data.customer_id };
  }

  async handle(recorded: RecordedEvent): Promise<void> {
    const event = {
      type: recorded.type,
      data: allEvents.decode(recorded.type, recorded.schemaVersion, recorded.data),
    } as ConversationEvent;
    const org = recorded.organizationId;
    const chatId = streamEntityId(recorded.streamId);
    const at = recorded.occurredAt.getTime();
    switch (event.type) {
      // Steps that do not depend on each other's answers are asked together (`together`):
      // auto-pipelining sends the commands of one moment in one write, on one connection, in
      // the order they were issued (so a read issued before a script still sees the state
      // before it). Each step is idempotent, and the position moves only once all have succeeded.
      case 'ConversationStarted':
        await together([
          groupModes(this.redis).see(org, event.data.group_id),
          this.state.chatStarted(org, {
            chatId,
            groupId: event.data.group_id,
            channel: event.data.channel,
            customerId: event.data.customer_id,
          }),
        ]);
        return;
      case 'ConversationQueued':
        // The expiry reads the chat's channel, which the queue does not change.
        await together([
          groupModes(this.redis).see(org, event.data.group_id),
          this.state.enqueue(org, chatId, event.data.group_id, at),
          this.expiry.queued(org, chatId, at),
        ]);
        this.dispatcher.poke(org, event.data.group_id);
        return;
      case 'AgentAssigned': {
        // The chat as it was before the assignment (its group), read in the same write.
        const [chat, assignment] = await together([
          this.state.chat(org, chatId),
          this.state.assigned(org, chatId, event.data.agent_id, at),
        ]);
        // Unless the assignment was ignored (the chat unknown or ended), the agent holds it now.
        const held =
          chat && assignment.outcome !== 'ignored' ? { channel: chat.channel, agentId: event.data.agent_id } : null;
        if (chat) this.dispatcher.poke(org, chat.groupId); // the positions behind it moved
        await together([
          event.data.agent_kind === 'human' && chat
            ? this.timers.set(
                {
                  kind: 'auto_transfer',
                  organization_id: org,
                  chat_id: chatId,
                  agent_id: event.data.agent_id,
                  group_id: chat.groupId,
                },
                at + this.config.ROUTING_AUTO_TRANSFER_SECONDS * 1000,
              )
            : undefined,
          // The chat after the assignment, as the two answers above tell it (not read again).
          this.expiry.active(org, chatId, at, held),
        ]);
        return;
      }
      case 'MessagePosted': {
        // Any message but a system one starts the chat's inactivity period again.
        if (event.data.author.kind !== 'system') await this.expiry.active(org, chatId, at);
        // The agent's first reply: the chat stays with them.
        if (event.data.author.kind !== 'agent' || !event.data.author.id) return;
        const chat = await this.state.chat(org, chatId);
        if (!chat) return;
        await this.timers.clear({
          kind: 'auto_transfer',
          organization_id: org,
          chat_id: chatId,
          agent_id: event.data.author.id,
          group_id: chat.groupId,
        });
        return;
      }
      case 'ConversationReopened': {
        // A new cycle: routing forgot the chat when it ended; learn it again before it is queued.
        const known = await this.chatStartedEvent(org, chatId, recorded.streamId);
        if (known) await this.state.chatStarted(org, known);
        return;
      }
      case 'ConversationResolved':
      case 'ConversationClosed':
      case 'ConversationMissed': {
        const chat = await this.state.chat(org, chatId);
        const { agentId } = await this.state.released(org, chatId);
        await this.expiry.ended(org, chatId);
        // A freed slot pulls the next queued chat, in any group of that agent.
        if (agentId) await this.dispatcher.pokeAll(org);
        // A chat that left its queue moves the chats behind it up: their positions go out again.
        else if (chat && chat.queuedAtMs !== null) this.dispatcher.poke(org, chat.groupId);
        return;
      }
      default:
        return;
    }
  }
}
