import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { allEvents, EventEnvelope, eventSubjectWildcard, pushFrame, type ChatSummary } from '@livedesk/contracts';
import { ensureEventStream } from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { ConnectionRegistry } from '../connection-registry.js';
import { ConversationClient } from '../conversation-client.js';
import type { RtmConnection } from '../rtm-connection.js';
import { RtmMetrics } from '../rtm-metrics.js';
import { evolveParticipants, ParticipantsCache, type ChatParticipants } from './chat-participants.js';
import { pushesForEvent, type PlannedPush, type Recipient } from './pushes-for-event.js';

const GATEWAY_ACTOR = { kind: 'system', id: 'gateway' } as const;

/**
 * Follows every conversation event on JetStream and pushes it to the sockets of this replica
 * that should see it. Every replica reads every event (an ordered consumer of its own, from
 * the moment it starts), so a push reaches a socket whichever replica holds it. A replica
 * that restarts misses what happened while it was down; its clients catch up with
 * `get_chat since_version` when they reconnect, which is what protocol.md asks of them.
 */
@Injectable()
export class PushFanout implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushFanout.name);
  private readonly participants = new ParticipantsCache();
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly registry: ConnectionRegistry,
    private readonly conversations: ConversationClient,
    private readonly metrics: RtmMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nats);
    await ensureEventStream(jsm, {
      name: this.config.LIVEDESK_EVENTS_STREAM,
      subjectPrefix: this.config.LIVEDESK_SUBJECT_PREFIX,
      replicas: this.config.JETSTREAM_REPLICAS,
    });
    const consumer = await jetstream(this.nats).consumers.get(this.config.LIVEDESK_EVENTS_STREAM, {
      filter_subjects: eventSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX, 'conversation'),
      deliver_policy: DeliverPolicy.New,
    });
    this.messages = await consumer.consume();
    const messages = this.messages;
    this.loop = (async () => {
      for await (const message of messages) {
        try {
          await this.handle(EventEnvelope.parse(message.json()));
        } catch (error) {
          this.logger.error({ err: error, subject: message.subject }, 'push fan-out failed for an event');
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  /** Participants as this replica knows them (typing indicators use them too). */
  async participantsOf(organizationId: string, chatId: string): Promise<ChatParticipants | undefined> {
    const known = this.participants.get(chatId);
    if (known) return known.organizationId === organizationId ? known : undefined;
    const loaded = await this.load(organizationId, chatId);
    return loaded?.participants;
  }

  private async handle(envelope: EventEnvelope): Promise<void> {
    const chatId = envelope.stream_id.slice('conversation-'.length);
    const event = { ...envelope, data: allEvents.decode(envelope.type, envelope.schema_version, envelope.data) };
    let before = this.participants.get(chatId);
    let after = evolveParticipants(before, event);
    if (!after) {
      // A chat that started before this replica did: ask the conversation service once.
      const loaded = await this.load(envelope.organization_id, chatId);
      if (!loaded) return;
      before = undefined;
      after = loaded.participants;
    }
    this.participants.set(chatId, after);
    const origin = typeof envelope.metadata.origin === 'string' ? envelope.metadata.origin : undefined;
    await this.deliver(envelope.organization_id, chatId, pushesForEvent(event, chatId, before, after), origin);
  }

  private async deliver(organizationId: string, chatId: string, pushes: PlannedPush[], origin: string | undefined): Promise<void> {
    // One connection can be reached twice (an assigned supervisor): each action goes once. The
    // socket that sent the command has the event in its response: no `incoming_event` echo.
    const sent = new Set<string>(origin === undefined ? [] : [`${origin}:incoming_event`]);
    for (const push of pushes) {
      const connections = [...this.connectionsOf(organizationId, push.to)].filter((connection) => {
        const key = `${connection.id}:${push.action}`;
        if (sent.has(key)) return false;
        sent.add(key);
        return true;
      });
      if (connections.length === 0) continue;
      // `incoming_chat` carries the chat's summary; it is awaited so that the agent learns of
      // the chat before any later event of it reaches them.
      const payload = push.action === 'incoming_chat' ? { ...push.payload, chat: (await this.load(organizationId, chatId))?.chat } : push.payload;
      const text = JSON.stringify(pushFrame(push.action, payload));
      for (const connection of connections) connection.sendText(text);
      this.metrics.pushes.inc({ action: push.action }, connections.length);
    }
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

  private async load(organizationId: string, chatId: string): Promise<{ participants: ChatParticipants; chat: ChatSummary } | undefined> {
    try {
      const { chat } = await this.conversations.query('get', {
        organization_id: organizationId,
        actor: GATEWAY_ACTOR,
        chat_id: chatId,
        since_version: Number.MAX_SAFE_INTEGER,
      });
      const participants: ChatParticipants = {
        organizationId,
        customerId: chat.customer_id,
        groupId: chat.group_id,
        assignedAgentId: chat.assigned_agent_id,
        version: chat.version,
      };
      this.participants.set(chatId, participants);
      return { participants, chat };
    } catch {
      return undefined;
    }
  }
}
