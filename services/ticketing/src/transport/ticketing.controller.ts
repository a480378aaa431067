import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ticketingCommands, ticketingQueries, type TicketingCommandReply, type TicketingQueryReply } from '@livedesk/contracts';
import { CommandError } from '@livedesk/messaging';
import { toCommandError } from '@livedesk/service-kit';
import { TicketQueries } from '../application/ticket-queries.service.js';
import { ConversationTickets } from '../conversations/conversation-tickets.js';

/**
 * The ticketing service's NATS commands (`<prefix>.cmd.ticketing.<name>`), in the `ticketing`
 * queue group. Every payload is parsed with its contract before anything runs.
 */
@Controller()
export class TicketingController {
  constructor(
    private readonly conversationTickets: ConversationTickets,
    private readonly queries: TicketQueries,
  ) {}

  @MessagePattern('cmd.ticketing.create_from_chat')
  async createFromChat(@Payload() payload: unknown): Promise<TicketingCommandReply<'create_from_chat'>> {
    try {
      const wire = ticketingCommands.create_from_chat.request.parse(payload);
      if (wire.expires_at !== undefined && Date.now() > wire.expires_at) {
        throw new CommandError('unavailable', 'the command waited longer than its caller and was not applied', 'expired');
      }
      const outcome = await this.conversationTickets.fromChat(wire);
      return { ticket_id: outcome.ticket.ticketId, reference: outcome.ticket.reference, version: outcome.ticket.version, duplicate: outcome.duplicate };
    } catch (error) {
      throw toCommandError(error);
    }
  }

  @MessagePattern('cmd.ticketing.get')
  async get(@Payload() payload: unknown): Promise<TicketingQueryReply<'get'>> {
    try {
      const query = ticketingQueries.get.request.parse(payload);
      return { ticket: await this.queries.summary(query.organization_id, query.ticket_id) };
    } catch (error) {
      throw toCommandError(error);
    }
  }
}
