import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { streamEntityId, type EventEnvelope } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { DirectoryClient } from '../../directory/directory-client.js';
import { EventFollower } from '../push/event-follower.js';
import { PushDelivery } from '../push/push-delivery.js';
import { ticketPushesFor } from './ticket-pushes.js';
import { TicketingClient } from './ticketing-client.js';

const GATEWAY_ACTOR = { kind: 'system', id: 'gateway' } as const;

/**
 * Follows the ticket events, like the chat push fan-out follows the conversation events. The
 * ticket's summary comes from the ticketing service (its read model is written with the events,
 * so it is at least as new as the event); a client that was away lists the tickets again over
 * the HTTP API.
 */
@Injectable()
export class TicketPushFollower extends EventFollower {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    private readonly delivery: PushDelivery,
    private readonly directory: DirectoryClient,
    private readonly ticketing: TicketingClient,
  ) {
    super('ticket', nats, config);
  }

  protected async handle(event: EventEnvelope): Promise<void> {
    const organizationId = event.organization_id;
    // Nobody of the organization on this replica: nothing to ask ticketing or the directory.
    if (!this.delivery.hasAgents(organizationId) && event.type !== 'TicketReplied') return;
    const ticketId = streamEntityId(event.stream_id);
    const { ticket } = await this.ticketing.query('get', {
      organization_id: organizationId,
      actor: GATEWAY_ACTOR,
      ticket_id: ticketId,
    });
    const groupAgents = ticket.group_id
      ? await this.directory.listAgentIds(organizationId, { groupId: ticket.group_id })
      : undefined;
    await this.delivery.deliver(organizationId, ticketPushesFor(event, ticket, groupAgents));
  }
}
