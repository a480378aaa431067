import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  allEvents,
  streamEntityId,
  type ChatEventView,
  type ChatSummary,
  type EventEnvelope,
} from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { AgentProfiles } from '../agents/agent-profiles.js';
import { ConversationClient } from '../conversation-client.js';
import { MessageFiles } from '../files/message-files.js';
import { PushLag } from '../overload/admission.js';
import { evolveParticipants, ParticipantsCache, type ChatParticipants } from './chat-participants.js';
import { ChatEventSequencer, type ChatEvent } from './chat-event-sequencer.js';
import { EventFollower } from './event-follower.js';
import { readChatEventsBetween } from './read-chat-events.js';
import { PushDelivery } from './push-delivery.js';
import { pushesForEvent, type PlannedPush } from './pushes-for-event.js';

const GATEWAY_ACTOR = { kind: 'system', id: 'gateway' } as const;

/**
 * Follows every conversation event and pushes it to the sockets of this replica that should
 * see it (event-follower.ts): every replica reads every event, so a push reaches a socket
 * whichever replica holds it; clients of a replica that restarted catch up with `get_chat
 * since_version` when they reconnect, which is what docs/protocol.md asks of them. A chat's pushes
 * go out gapless and in version order (`ChatEventSequencer`): a version that skips ahead makes
 * the fan-out fetch the missing events from the conversation service and push them first.
 */
@Injectable()
export class PushFanout extends EventFollower {
  private readonly participants = new ParticipantsCache();
  private readonly sequencer = new ChatEventSequencer({
    fetchSince: (organizationId, chatId, sinceVersion, beforeVersion) =>
      this.eventsBetween(organizationId, chatId, sinceVersion, beforeVersion),
    onGap: (chatId, gap) =>
      this.logger.warn(
        `chat ${chatId}: versions ${gap.since + 1}..${gap.version - 1} never came; pushed ${gap.filled} fetched from the conversation service`,
      ),
    onGapFillFailed: (chatId, error) =>
      this.logger.error({ err: error }, `chat ${chatId}: could not fetch the events missing from its pushes`),
  });

  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    private readonly delivery: PushDelivery,
    private readonly conversations: ConversationClient,
    private readonly profiles: AgentProfiles,
    private readonly files: MessageFiles,
    lag: PushLag,
  ) {
    super('conversation', nats, config, lag);
  }

  /** Participants as this replica knows them (typing indicators use them too). */
  async participantsOf(organizationId: string, chatId: string): Promise<ChatParticipants | undefined> {
    const known = this.participants.get(chatId);
    if (known) return known.organizationId === organizationId ? known : undefined;
    const loaded = await this.load(organizationId, chatId);
    return loaded?.participants;
  }

  protected async handle(envelope: EventEnvelope): Promise<void> {
    const chatId = streamEntityId(envelope.stream_id);
    const event = { ...envelope, data: allEvents.decode(envelope.type, envelope.schema_version, envelope.data) };
    await this.sequencer.accept(chatId, event, (next) => this.push(chatId, next));
  }

  /** An event published by reference (too large for NATS) is read from the conversation service and pushed in its place. */
  protected override async handleByReference(envelope: EventEnvelope): Promise<void> {
    const chatId = streamEntityId(envelope.stream_id);
    const version = envelope.stream_version;
    const [event] = await this.eventsBetween(envelope.organization_id, chatId, version - 1, version + 1);
    if (!event) return super.handleByReference(envelope);
    await this.sequencer.accept(chatId, event, (next) => this.push(chatId, next));
  }

  private async push(chatId: string, event: ChatEvent): Promise<void> {
    let before = this.participants.get(chatId);
    let after = evolveParticipants(before, event);
    if (!after) {
      // A chat that started before this replica did: ask the conversation service once.
      const loaded = await this.load(event.organization_id, chatId);
      if (!loaded) return;
      before = undefined;
      after = loaded.participants;
    }
    this.participants.set(chatId, after);
    // Events fetched to fill a gap carry no origin: the socket that sent one may see it twice
    // (its response and a push), with one version, as after any reconnect.
    const origin = typeof event.metadata.origin === 'string' ? event.metadata.origin : undefined;
    await this.deliver(event.organization_id, chatId, pushesForEvent(event, chatId, before, after), origin);
  }

  private async deliver(
    organizationId: string,
    chatId: string,
    pushes: PlannedPush[],
    origin: string | undefined,
  ): Promise<void> {
    // The socket that sent the command has the event in its response: no `incoming_event` echo.
    // `incoming_chat` carries the chat's summary; it is awaited so that the agent learns of the
    // chat before any later event of it reaches them.
    await this.delivery.deliver(organizationId, pushes, {
      sent: new Set<string>(origin === undefined ? [] : [`${origin}:incoming_event`]),
      payloadOf: async (push) => {
        if (push.action === 'incoming_chat')
          return { ...push.payload, chat: (await this.load(organizationId, chatId))?.chat };
        const payload =
          push.action === 'incoming_event'
            ? { ...push.payload, event: this.files.withUrls(push.payload.event as ChatEventView) }
            : push.payload;
        if (push.to.kind === 'customer') return this.withAgentProfile(organizationId, { ...push, payload });
        return payload;
      },
    });
  }

  /**
   * A customer's push about an agent (assigned, writing, transferred to) carries the agent's
   * public profile, as `get_chat` does. Without the directory the push still goes, without it.
   */
  private async withAgentProfile(organizationId: string, push: PlannedPush): Promise<Record<string, unknown>> {
    try {
      if (push.action === 'incoming_event') {
        const [event] = await this.profiles.addTo(organizationId, [push.payload.event as ChatEventView]);
        return { ...push.payload, event };
      }
      const toAgentId = push.payload.to_agent_id;
      if (push.action === 'chat_transferred' && typeof toAgentId === 'string') {
        const agent = (await this.profiles.of(organizationId, [toAgentId])).get(toAgentId);
        return agent ? { ...push.payload, agent } : push.payload;
      }
    } catch (error) {
      this.logger.warn({ err: error, organizationId }, "could not read an agent's profile for a customer's push");
    }
    return push.payload;
  }

  /** Events of a gap, as get_chat gives them to agents (the fan-out decides who sees what). */
  private async eventsBetween(
    organizationId: string,
    chatId: string,
    sinceVersion: number,
    beforeVersion: number,
  ): Promise<ChatEvent[]> {
    const views = await readChatEventsBetween(
      (since, limit) =>
        this.conversations.query('get', {
          organization_id: organizationId,
          actor: GATEWAY_ACTOR,
          chat_id: chatId,
          since_version: since,
          limit,
        }),
      sinceVersion,
      beforeVersion,
    );
    return views.map((view) => ({
      event_id: view.event_id,
      organization_id: organizationId,
      stream_version: view.version,
      type: view.type,
      data: view.data,
      occurred_at: view.created_at,
      metadata: {},
    }));
  }

  private async load(
    organizationId: string,
    chatId: string,
  ): Promise<{ participants: ChatParticipants; chat: ChatSummary } | undefined> {
    try {
      const { chat } = await this.conversations.query('get', {
        organization_id: organizationId,
        actor: GATEWAY_ACTOR,
        chat_id: chatId,
        since_version: Number.MAX_SAFE_INTEGER,
        limit: 1,
      });
      const participants: ChatParticipants = {
        organizationId,
        customerId: chat.customer_id,
        groupId: chat.group_id,
        assignedAgentId: chat.assigned_agent_id,
        queued: chat.status === 'queued',
        version: chat.version,
      };
      this.participants.set(chatId, participants);
      return { participants, chat };
    } catch {
      return undefined;
    }
  }
}
