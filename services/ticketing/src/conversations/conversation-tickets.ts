import { Inject, Injectable } from '@nestjs/common';
import {
  allEvents,
  streamCategory,
  type Actor,
  type ConversationEvent,
  type TicketingCommand,
} from '@livedesk/contracts';
import { EventStore, type RecordedEvent } from '@livedesk/event-store';
import { EVENT_STORE, SERVICE_CONFIG } from '@livedesk/service-kit';
import { DomainError, refuse, ticketReference, type TicketActor } from '../domain/index.js';
import { conversationTicketId, derivedId } from '../application/command-ids.js';
import {
  TicketCommands,
  type TicketCommandContext,
  type TicketOutcome,
} from '../application/ticket-commands.service.js';
import type { TicketingConfig } from '../ticketing-config.js';
import { ChatAccess } from './chat-access.js';
import { chatFactsOf, subjectFrom, type ChatFacts } from './chat-facts.js';

const CONVERSATION_PREFIX = 'conversation-';

/** What a chat's ticket is opened with. */
interface ChatTicket {
  source: 'chat' | 'missed_chat' | 'offline_message';
  requester: { customer_id: string; email?: string; name?: string };
  subject: string;
  /** The customer's message left in the chat: the ticket's first reply. */
  firstMessage?: { replyId: string; text: string; via: 'widget'; attachments: [] };
}
const FROM_CONVERSATIONS: TicketActor = { kind: 'system', id: 'ticketing' };

/**
 * Tickets that come from chats: an agent's `create_ticket`, a message left when no agent could
 * take the chat (`OfflineMessageLeft`), and a chat missed in the queue (`ConversationMissed`,
 * for the reasons `TICKETS_FROM_MISSED_CHATS` lists). A conversation has at most one ticket,
 * whatever way it comes (its id derives from the chat), so a message left in a chat that is
 * then marked missed stays one ticket.
 */
@Injectable()
export class ConversationTickets {
  private readonly missedReasons: ReadonlySet<string>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) config: TicketingConfig,
    private readonly commands: TicketCommands,
    private readonly access: ChatAccess,
  ) {
    this.missedReasons = new Set(config.TICKETS_FROM_MISSED_CHATS);
  }

  /** A conversation event, from the durable subscription; idempotent by the event's id. */
  async handle(event: RecordedEvent): Promise<void> {
    if (streamCategory(event.streamId) !== 'conversation') return;
    if (event.type !== 'OfflineMessageLeft' && event.type !== 'ConversationMissed') return;
    const data = allEvents.decode(event.type, event.schemaVersion, event.data) as ConversationEvent['data'];
    // The chat as it was at this event: a redelivery later gives the same ticket.
    const facts = chatFactsOf(await this.store.readStream(event.streamId, { limit: event.streamVersion }));
    if (!facts) return;
    const commandId = derivedId('conversation-event', event.eventId);
    if (event.type === 'OfflineMessageLeft') {
      const left = data as Extract<ConversationEvent, { type: 'OfflineMessageLeft' }>['data'];
      await this.create(facts, commandId, {
        source: 'offline_message',
        requester: { customer_id: facts.customerId, email: left.email, ...(left.name ? { name: left.name } : {}) },
        subject: subjectFrom(left.text, 'Message left in the chat'),
        firstMessage: {
          replyId: derivedId('offline-message', event.eventId),
          text: left.text,
          via: 'widget',
          attachments: [],
        },
      });
      return;
    }
    const { reason } = data as Extract<ConversationEvent, { type: 'ConversationMissed' }>['data'];
    if (!this.missedReasons.has(reason)) return;
    const firstCustomerMessage = facts.transcript.find((message) => message.author.kind === 'customer');
    // A customer who left before writing anything asked nothing to follow up.
    if (!firstCustomerMessage) return;
    await this.create(facts, commandId, {
      source: 'missed_chat',
      requester: { customer_id: facts.customerId },
      subject: subjectFrom(firstCustomerMessage.text, 'Missed chat'),
    });
  }

  /** `create_from_chat`: the agent must be of the chat's organization and allowed to read it (`ChatAccess`). */
  async fromChat(wire: TicketingCommand<'create_from_chat'>): Promise<TicketOutcome> {
    const events = await this.store.readStream(`${CONVERSATION_PREFIX}${wire.chat_id}`);
    const facts = chatFactsOf(events);
    if (!facts || facts.organizationId !== wire.organization_id) {
      throw new DomainError('not_found', 'chat_not_found', 'The chat does not exist.');
    }
    if (wire.actor.kind === 'customer') throw refuse.agentsOnly();
    if (wire.actor.kind === 'agent') await this.access.requireReadable(wire.organization_id, wire.actor, wire.chat_id);
    const firstCustomerMessage = facts.transcript.find((message) => message.author.kind === 'customer');
    return this.create(
      facts,
      wire.command_id,
      {
        source: 'chat',
        requester: {
          customer_id: facts.customerId,
          ...(wire.requester_email ? { email: wire.requester_email } : {}),
          ...(wire.requester_name ? { name: wire.requester_name } : {}),
        },
        subject: wire.subject ?? subjectFrom(firstCustomerMessage?.text, 'Chat'),
      },
      actorOf(wire.actor),
    );
  }

  /**
   * Opens the conversation's ticket. When it exists already (made another way: a missed chat,
   * an agent, an earlier message), a message left is added to it as the requester's reply, and
   * anything else answers the ticket as it is.
   */
  private async create(
    facts: ChatFacts,
    commandId: string,
    ticket: ChatTicket,
    actor: TicketActor = FROM_CONVERSATIONS,
  ): Promise<TicketOutcome> {
    const ticketId = conversationTicketId(facts.organizationId, facts.chatId);
    const context = { organizationId: facts.organizationId, commandId, metadata: { actor } };
    try {
      return await this.open(facts, ticketId, ticket, actor, context);
    } catch (error) {
      if (!(error instanceof DomainError && error.reason === 'ticket_exists')) throw error;
      if (!ticket.firstMessage)
        return { ticket: await this.commands.load(facts.organizationId, ticketId), duplicate: true, events: [] };
      return this.commands.execute(
        ticketId,
        { type: 'reply', actor: { kind: 'requester', customerId: facts.customerId }, ...ticket.firstMessage },
        context,
      );
    }
  }

  private open(
    facts: ChatFacts,
    ticketId: string,
    ticket: ChatTicket,
    actor: TicketActor,
    context: TicketCommandContext,
  ): Promise<TicketOutcome> {
    return this.commands.execute(
      ticketId,
      {
        type: 'create',
        actor,
        ticketId,
        reference: ticketReference(ticketId),
        source: ticket.source,
        requester: ticket.requester,
        subject: ticket.subject,
        groupId: facts.groupId,
        conversationId: facts.chatId,
        transcript: facts.transcript,
        chatNotes: facts.notes,
        chatVersion: facts.version,
        ...(ticket.firstMessage ? { firstMessage: ticket.firstMessage } : {}),
      },
      context,
    );
  }
}

export function actorOf(actor: Actor): TicketActor {
  if (actor.kind === 'agent')
    return { kind: 'agent', id: actor.id, ...(actor.agent_kind === 'bot' ? { bot: true } : {}) };
  if (actor.kind === 'customer') return { kind: 'requester', customerId: actor.id };
  return { kind: 'system', id: actor.id };
}
