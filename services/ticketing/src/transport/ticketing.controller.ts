import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  ticketingCommands,
  ticketingPattern,
  ticketingQueries,
  type TicketingCommand,
  type TicketingCommandReply,
  type TicketingQuery,
  type TicketingQueryReply,
} from '@livedesk/contracts';
import { CommandError } from '@livedesk/messaging';
import { CommandErrorFilter, CommandPayload } from '@livedesk/service-kit';
import { TicketQueries } from '../application/ticket-queries.service.js';
import { ConversationTickets } from '../conversations/conversation-tickets.js';
import { ChatFiles } from '../files/chat-files.js';
import { ChatTranscripts } from '../transcripts/chat-transcripts.js';
import { NotificationEmails } from '../email/outbound/notification-emails.js';

/**
 * The ticketing service's NATS commands (`<prefix>.cmd.ticketing.<name>`), in the `ticketing`
 * queue group. Every payload is parsed with its contract before anything runs.
 */
@Controller()
@UseFilters(CommandErrorFilter)
export class TicketingController {
  constructor(
    private readonly conversationTickets: ConversationTickets,
    private readonly queries: TicketQueries,
    private readonly files: ChatFiles,
    private readonly transcripts: ChatTranscripts,
    private readonly notifications: NotificationEmails,
  ) {}

  @MessagePattern(ticketingPattern('create_from_chat'))
  async createFromChat(
    @CommandPayload(ticketingCommands.create_from_chat.request) wire: TicketingCommand<'create_from_chat'>,
  ): Promise<TicketingCommandReply<'create_from_chat'>> {
    if (wire.expires_at !== undefined && Date.now() > wire.expires_at) {
      throw new CommandError('unavailable', 'the command waited longer than its caller and was not applied', 'expired');
    }
    const outcome = await this.conversationTickets.fromChat(wire);
    return {
      ticket_id: outcome.ticket.ticketId,
      reference: outcome.ticket.reference,
      version: outcome.ticket.version,
      duplicate: outcome.duplicate,
    };
  }

  @MessagePattern(ticketingPattern('send_transcript'))
  async sendTranscript(
    @CommandPayload(ticketingCommands.send_transcript.request) wire: TicketingCommand<'send_transcript'>,
  ): Promise<TicketingCommandReply<'send_transcript'>> {
    if (wire.expires_at !== undefined && Date.now() > wire.expires_at) {
      throw new CommandError('unavailable', 'the command waited longer than its caller and was not applied', 'expired');
    }
    return this.transcripts.request(wire);
  }

  /** A notification email for the outbox (the daily summary); the same key is queued once. */
  @MessagePattern(ticketingPattern('queue_email'))
  async queueEmail(
    @CommandPayload(ticketingCommands.queue_email.request) wire: TicketingCommand<'queue_email'>,
  ): Promise<TicketingCommandReply<'queue_email'>> {
    if (wire.expires_at !== undefined && Date.now() > wire.expires_at) {
      throw new CommandError('unavailable', 'the command waited longer than its caller and was not applied', 'expired');
    }
    return this.notifications.queue(wire);
  }

  @MessagePattern(ticketingPattern('get'))
  async get(
    @CommandPayload(ticketingQueries.get.request) query: TicketingQuery<'get'>,
  ): Promise<TicketingQueryReply<'get'>> {
    return { ticket: await this.queries.summary(query.organization_id, query.ticket_id) };
  }

  @MessagePattern(ticketingPattern('chat_files'))
  async chatFiles(
    @CommandPayload(ticketingQueries.chat_files.request) query: TicketingQuery<'chat_files'>,
  ): Promise<TicketingQueryReply<'chat_files'>> {
    return { files: await this.files.resolve(query.organization_id, query.chat_id, query.uploader, query.file_ids) };
  }

  @MessagePattern(ticketingPattern('customer_tickets'))
  async customerTickets(
    @CommandPayload(ticketingQueries.customer_tickets.request) query: TicketingQuery<'customer_tickets'>,
  ): Promise<TicketingQueryReply<'customer_tickets'>> {
    return { tickets: await this.queries.ofCustomer(query.organization_id, query.customer_id, query.limit) };
  }
}
