import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventEnvelope, eventSubjectWildcard, pushFrame } from '@livedesk/contracts';
import { ensureEventStream } from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { Directory } from '../../identity/directory.js';
import { ConnectionRegistry } from '../connection-registry.js';
import type { PlannedPush, Recipient } from '../push/pushes-for-event.js';
import type { RtmConnection } from '../rtm-connection.js';
import { RtmMetrics } from '../rtm-metrics.js';
import { ticketPushesFor } from './ticket-pushes.js';
import { TicketingClient } from './ticketing-client.js';

const GATEWAY_ACTOR = { kind: 'system', id: 'gateway' } as const;

/**
 * Follows the ticket events on JetStream, like the chat push fan-out follows the conversation
 * events (push-fanout.ts): every replica reads every event with an ordered consumer of its own,
 * from the moment it starts, and pushes to the sockets it holds. The ticket's summary comes from
 * the ticketing service (its read model is written with the events, so it is at least as new
 * as the event); a client that was away lists the tickets again over the HTTP API.
 */
@Injectable()
export class TicketPushFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TicketPushFollower.name);
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly registry: ConnectionRegistry,
    private readonly directory: Directory,
    private readonly ticketing: TicketingClient,
    private readonly metrics: RtmMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureEventStream(await jetstreamManager(this.nats), {
      name: this.config.LIVEDESK_EVENTS_STREAM,
      subjectPrefix: this.config.LIVEDESK_SUBJECT_PREFIX,
      replicas: this.config.JETSTREAM_REPLICAS,
    });
    const consumer = await jetstream(this.nats).consumers.get(this.config.LIVEDESK_EVENTS_STREAM, {
      filter_subjects: eventSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX, 'ticket'),
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    this.messages = messages;
    this.loop = (async () => {
      for await (const message of messages) {
        try {
          await this.handle(EventEnvelope.parse(message.json()));
        } catch (error) {
          this.logger.error({ err: error, subject: message.subject }, 'ticket push failed for an event');
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  private async handle(event: EventEnvelope): Promise<void> {
    const organizationId = event.organization_id;
    // Nobody of the organization on this replica: nothing to ask ticketing or the directory.
    if (this.registry.agents(organizationId).size === 0 && event.type !== 'TicketReplied') return;
    const ticketId = event.stream_id.slice('ticket-'.length);
    const { ticket } = await this.ticketing.query('get', { organization_id: organizationId, actor: GATEWAY_ACTOR, ticket_id: ticketId });
    const groupAgents = ticket.group_id ? await this.directory.listAgentIds(organizationId, { groupId: ticket.group_id }) : undefined;
    this.deliver(organizationId, ticketPushesFor(event, ticket, groupAgents));
  }

  private deliver(organizationId: string, pushes: PlannedPush[]): void {
    const sent = new Set<string>();
    for (const push of pushes) {
      const connections = [...this.connectionsOf(organizationId, push.to)].filter((connection) => {
        const key = `${connection.id}:${push.action}`;
        if (sent.has(key)) return false;
        sent.add(key);
        return true;
      });
      if (connections.length === 0) continue;
      const text = JSON.stringify(pushFrame(push.action, push.payload));
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
}
