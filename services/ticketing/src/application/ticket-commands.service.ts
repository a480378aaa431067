import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import { allEvents, type TicketEvent } from '@livedesk/contracts';
import { CommandHandler, EventStore, KeyedSerializer, readStream } from '@livedesk/event-store';
import { CLOCK, DATABASE, EVENT_STORE, SERVICE_CONFIG, type Clock } from '@livedesk/service-kit';
import {
  DomainError,
  refuse,
  type OpenedTicket,
  type StoredTicketEvent,
  type TicketCommand,
  type TicketState,
} from '../domain/index.js';
import { acknowledgementAllowed, type AcknowledgementLimits } from '../email/outbound/acknowledgement-limits.js';
import { deliveriesFor } from '../email/outbound/deliveries-for.js';
import { MailboxAddresses } from '../email/inbound/mailbox-addresses.js';
import { addToThread, threadOf } from '../read-model/email-messages-table.js';
import type { TicketingTables } from '../read-model/ticketing-tables.js';
import { upsertTicketRow } from '../read-model/tickets-table.js';
import { TICKETING_ID_NAMESPACE } from './command-ids.js';
import { foldTicket, ticketDecider, ticketStreamId } from './ticket-stream.js';
import type { TicketingConfig } from '../ticketing-config.js';

export interface TicketCommandContext {
  organizationId: string;
  /** Idempotency: the events' ids derive from it. */
  commandId: string;
  /** Stored in the events' metadata (who asked, for audits). */
  metadata?: Record<string, unknown>;
}

export interface TicketOutcome {
  ticket: OpenedTicket;
  /** True when nothing was stored: a repeat, or a command that changes nothing. */
  duplicate: boolean;
  events: StoredTicketEvent[];
}

/**
 * A loser of an optimistic-concurrency race decides again, for this long at most, after a
 * random pause that grows with each lost race (many writers of one ticket retrying at once
 * would otherwise keep colliding).
 */
const RETRY_BUDGET_MS = 5000;
const RETRY_PAUSE_MAX_MS = 100;
/** References list the first Message-ID of the thread and the latest ones (RFC 5322 allows trimming). */
const MAX_REFERENCES = 20;

/**
 * Runs a ticket command: read the ticket's stream (tickets have tens of events, not
 * thousands), decide, and in one transaction append the events with the expected version,
 * write the ticket's row, record the Message-IDs of its email thread, and put the emails the
 * events send into the outbox. The mails therefore exist exactly when the events do: never
 * lost, never planned twice.
 */
/**
 * Runs a ticket command through the event store's `CommandHandler`: read the ticket's stream
 * (tickets have tens of events, not thousands), decide, and in one transaction append the
 * events with the expected version, write the ticket's row, record the Message-IDs of its email
 * thread, and put the emails the events send into the outbox. The mails therefore exist exactly
 * when the events do: never lost, never planned twice.
 */
@Injectable()
export class TicketCommands {
  private readonly logger = new Logger(TicketCommands.name);
  private readonly serializer = new KeyedSerializer();
  private readonly acknowledgementLimits: AcknowledgementLimits;
  private readonly handler: CommandHandler<TicketingTables, TicketCommand, TicketEvent, TicketState>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<TicketingTables>,
    @Inject(CLOCK) clock: Clock,
    private readonly mailboxes: MailboxAddresses,
    @Inject(SERVICE_CONFIG) config: Pick<
      TicketingConfig,
      'ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR' | 'ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR'
    >,
  ) {
    this.acknowledgementLimits = {
      perAddressPerHour: config.ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR,
      perOrganizationPerHour: config.ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR,
    };
    this.handler = new CommandHandler({
      db,
      relay: store,
      decider: ticketDecider,
      codec: allEvents,
      idNamespace: TICKETING_ID_NAMESPACE,
      clock,
      retry: {
        budgetMs: RETRY_BUDGET_MS,
        pauseMs: (conflicts) => Math.random() * Math.min(RETRY_PAUSE_MAX_MS, 2 ** conflicts),
      },
      // Another organization's ticket answers exactly like a ticket that does not exist.
      notFound: () => refuse.ticketNotFound(),
      // Ticket ids derive from what a ticket comes from (an email, a chat): a create finding its
      // ticket holding the events it stored itself is a repeat; one made by another command
      // stays a refusal, for the caller to deal with.
      isRepeatRefusal: (error) => error instanceof DomainError && error.reason === 'ticket_exists',
      project: (trx, change, context) =>
        this.project(trx, context.organizationId, change.after as OpenedTicket, change.events),
    });
  }

  async load(organizationId: string, ticketId: string): Promise<OpenedTicket> {
    const loaded = foldTicket(await readStream(this.db, ticketStreamId(ticketId)));
    // Another organization's ticket answers exactly like a ticket that does not exist.
    if (loaded.state.status === 'none' || loaded.organizationId !== organizationId) throw refuse.ticketNotFound();
    return loaded.state;
  }

  /**
   * Runs a command on a ticket: the commands this replica receives for one ticket queue
   * (`KeyedSerializer`), so only replicas race each other for its next version.
   */
  execute(ticketId: string, command: TicketCommand, context: TicketCommandContext): Promise<TicketOutcome> {
    return this.serializer.run(ticketStreamId(ticketId), () => this.decideAndAppend(ticketId, command, context));
  }

  private async decideAndAppend(
    ticketId: string,
    command: TicketCommand,
    context: TicketCommandContext,
  ): Promise<TicketOutcome> {
    const result = await this.handler.handle(ticketStreamId(ticketId), command, context);
    if (result.status === 'appended')
      return { ticket: result.state as OpenedTicket, duplicate: false, events: result.events };
    // Nothing stored: a command that changes nothing, or a repeat (the same event ids are stored already).
    return { ticket: result.state as OpenedTicket, duplicate: true, events: [] };
  }

  /** The writes that commit with the events: the ticket's row, its thread, its outbox. */
  private async project(
    trx: Transaction<TicketingTables>,
    organizationId: string,
    ticket: OpenedTicket,
    events: StoredTicketEvent[],
  ): Promise<void> {
    await upsertTicketRow(trx, organizationId, ticket, events.flatMap(wordsOf));
    const inbound = events.flatMap((event) =>
      event.type === 'TicketReplied' && event.data.email ? [event.data.email.message_id] : [],
    );
    await addToThread(
      trx,
      organizationId,
      ticket.ticketId,
      inbound.map((messageId) => ({ messageId, direction: 'inbound' as const })),
    );
    const deliveries = deliveriesFor({ ticket, events, messageIdDomain: this.mailboxes.domain });
    if (deliveries.length === 0) return;
    const thread = await threadOf(trx, ticket.ticketId);
    const replyTo = this.mailboxes.addressOf(organizationId, ticket.reference);
    for (const delivery of deliveries) {
      if (
        delivery.kind === 'created' &&
        !(await acknowledgementAllowed(trx, organizationId, delivery.to, this.acknowledgementLimits))
      ) {
        this.logger.warn(
          { ticketId: ticket.ticketId, organizationId },
          'acknowledgement not sent: too many to this address or from this organization in the last hour',
        );
        continue;
      }
      const references =
        thread.length > MAX_REFERENCES ? [thread[0]!, ...thread.slice(-(MAX_REFERENCES - 1))] : [...thread];
      await trx
        .insertInto('ticketing.outbound_emails')
        .values({
          delivery_id: delivery.deliveryId,
          organization_id: organizationId,
          ticket_id: ticket.ticketId,
          event_id: delivery.eventId,
          kind: delivery.kind,
          to_address: delivery.to,
          subject: delivery.subject,
          body: delivery.body,
          message_id: delivery.messageId,
          in_reply_to: thread.at(-1) ?? null,
          references_ids: references,
          reply_to: replyTo,
          auto_submitted: delivery.autoSubmitted,
          attachment_ids: delivery.attachmentIds,
          leased_until: null,
          last_error: null,
          sent_at: null,
        })
        .onConflict((oc) => oc.column('delivery_id').doNothing())
        .execute();
      await addToThread(trx, organizationId, ticket.ticketId, [
        { messageId: delivery.messageId, direction: 'outbound' },
      ]);
      thread.push(delivery.messageId);
    }
  }
}

/** What a ticket's full-text search learns from an event. */
function wordsOf(event: StoredTicketEvent): string[] {
  switch (event.type) {
    case 'TicketCreated': {
      const { subject, requester, transcript } = event.data;
      return [subject, requester.email ?? '', requester.name ?? '', ...transcript.map((message) => message.text)];
    }
    case 'TicketReplied':
    case 'InternalNoteAdded':
      return [event.data.text];
    case 'TicketRetitled':
      return [event.data.subject];
    default:
      return [];
  }
}
