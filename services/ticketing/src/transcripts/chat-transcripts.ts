import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Transaction } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import { v5 as uuidv5 } from 'uuid';
import {
  directoryPattern,
  directoryQueries,
  streamCategory,
  type DirectoryQuery,
  type DirectoryQueryName,
  type DirectoryQueryReply,
  type TicketingCommand,
  type TicketingCommandReply,
} from '@livedesk/contracts';
import { EventStore, type RecordedEvent } from '@livedesk/event-store';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { DATABASE, EVENT_STORE } from '@livedesk/service-kit';
import { DomainError } from '../domain/index.js';
import { chatFactsOf } from '../conversations/chat-facts.js';
import { MailboxAddresses } from '../email/inbound/mailbox-addresses.js';
import type { TicketingTables } from '../read-model/ticketing-tables.js';
import { transcriptEmail } from './transcript-email.js';

const NAMESPACE = '8f0b6c1e-5a47-4d2b-9e3c-71d2a4b6c9f5';

/** `request_transcript`'s limits: per chat an hour, per customer a day (requests, not the transcripts sent at a chat's end). */
export const TRANSCRIPT_LIMITS = {
  perChat: { count: 3, windowMs: 3_600_000 },
  perCustomer: { count: 10, windowMs: 86_400_000 },
} as const;

type SendTranscript = TicketingCommand<'send_transcript'>;

/**
 * Chat transcripts by email, through the outbox of outbound email (`OutboundMailer` sends
 * them like the tickets' mail): on the customer's request (`request_transcript`), and at the
 * end of every chat of an organization with `transcript_on_close`. A transcript holds the
 * chat's messages only: the agents' internal notes are a separate event type that the chat's
 * facts keep apart (`ChatFacts.notes`), and they are never given to the email's composer.
 * Replies to a transcript reach the organization's mailbox, where they become a ticket.
 */
@Injectable()
export class ChatTranscripts {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<TicketingTables>,
    private readonly mailboxes: MailboxAddresses,
    private readonly client: CommandClient,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('ChatTranscripts');
  }

  /**
   * `send_transcript`: the chat must be the customer's own, of their organization (anything
   * else answers `not_found`, as a chat that does not exist). The delivery's id derives from the
   * command id, so a retried command queues one mail. The limits are counted in the outbox, in
   * a transaction that holds a lock on the chat and one on the customer, so concurrent requests
   * count one after another.
   */
  async request(wire: SendTranscript): Promise<TicketingCommandReply<'send_transcript'>> {
    const notFound = new DomainError('not_found', 'chat_not_found', `chat ${wire.chat_id} does not exist`);
    if (wire.actor.kind !== 'customer') throw notFound;
    const events = await this.store.readStream(`conversation-${wire.chat_id}`);
    const facts = chatFactsOf(events);
    if (!facts || facts.organizationId !== wire.organization_id || facts.customerId !== wire.actor.id) throw notFound;
    const deliveryId = uuidv5(`request:${wire.command_id}`, NAMESPACE);
    const email = transcriptEmail(facts.transcript, events[0]!.occurredAt.toISOString());
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`transcripts:chat:${facts.chatId}`}))`.execute(trx);
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`transcripts:customer:${facts.organizationId}:${facts.customerId}`}))`.execute(
        trx,
      );
      const earlier = await trx
        .selectFrom('ticketing.outbound_emails')
        .select('delivery_id')
        .where('delivery_id', '=', deliveryId)
        .executeTakeFirst();
      if (earlier) return { outcome: 'queued' as const, delivery_id: deliveryId, duplicate: true };
      const waitMs = await this.waitBeforeNext(trx, facts.organizationId, facts.chatId, facts.customerId);
      if (waitMs > 0) return { outcome: 'rate_limited' as const, retry_after_ms: waitMs };
      await this.queue(trx, {
        deliveryId,
        eventId: deliveryId,
        kind: 'transcript',
        organizationId: facts.organizationId,
        chatId: facts.chatId,
        customerId: facts.customerId,
        to: wire.email,
        ...email,
      });
      return { outcome: 'queued' as const, delivery_id: deliveryId, duplicate: false };
    });
  }

  /**
   * A conversation event from the ticketing subscription: a chat that ends (resolved or closed
   * by the customer) sends its transcript to the customer's email when the organization asks
   * for it (`transcript_on_close`) and the customer's identity has an email. The delivery's id
   * derives from the event's, so a redelivered event queues one mail.
   */
  async handle(event: RecordedEvent): Promise<void> {
    if (streamCategory(event.streamId) !== 'conversation') return;
    if (event.type !== 'ConversationResolved' && event.type !== 'ConversationClosed') return;
    const { organization } = await this.directory('organization', { organization_id: event.organizationId });
    if (!organization?.transcript_on_close) return;
    const events = await this.store.readStream(event.streamId, { limit: event.streamVersion });
    const facts = chatFactsOf(events);
    if (!facts || facts.transcript.length === 0) return;
    const { customer } = await this.directory('customer', {
      organization_id: facts.organizationId,
      customer_id: facts.customerId,
    });
    if (!customer?.email) return;
    const deliveryId = uuidv5(`on-close:${event.eventId}`, NAMESPACE);
    await this.db.transaction().execute((trx) =>
      this.queue(trx, {
        deliveryId,
        eventId: event.eventId,
        kind: 'transcript_on_close',
        organizationId: facts.organizationId,
        chatId: facts.chatId,
        customerId: facts.customerId,
        to: customer.email!,
        ...transcriptEmail(facts.transcript, events[0]!.occurredAt.toISOString()),
      }),
    );
    this.logger.info({ chatId: facts.chatId, deliveryId }, 'transcript queued at the end of the chat');
  }

  /** Milliseconds until one more request is within the limits (0: now). */
  private async waitBeforeNext(
    trx: Transaction<TicketingTables>,
    organizationId: string,
    chatId: string,
    customerId: string,
  ): Promise<number> {
    const { perChat, perCustomer } = TRANSCRIPT_LIMITS;
    const recent = (rows: { created_at: Date }[], limit: { count: number; windowMs: number }) =>
      rows.length < limit.count
        ? 0
        : Math.max(1, rows[rows.length - limit.count]!.created_at.getTime() + limit.windowMs - Date.now());
    const byChat = await trx
      .selectFrom('ticketing.outbound_emails')
      .select('created_at')
      .where('kind', '=', 'transcript')
      .where('conversation_id', '=', chatId)
      .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${perChat.windowMs / 1000})`)
      .orderBy('created_at')
      .execute();
    const byCustomer = await trx
      .selectFrom('ticketing.outbound_emails')
      .select('created_at')
      .where('kind', '=', 'transcript')
      .where('organization_id', '=', organizationId)
      .where('customer_id', '=', customerId)
      .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${perCustomer.windowMs / 1000})`)
      .orderBy('created_at')
      .execute();
    return Math.max(recent(byChat, perChat), recent(byCustomer, perCustomer));
  }

  private async queue(
    trx: Transaction<TicketingTables>,
    mail: {
      deliveryId: string;
      eventId: string;
      kind: string;
      organizationId: string;
      chatId: string;
      customerId: string;
      to: string;
      subject: string;
      body: string;
    },
  ): Promise<void> {
    await trx
      .insertInto('ticketing.outbound_emails')
      .values({
        delivery_id: mail.deliveryId,
        organization_id: mail.organizationId,
        ticket_id: null,
        conversation_id: mail.chatId,
        customer_id: mail.customerId,
        event_id: mail.eventId,
        kind: mail.kind,
        to_address: mail.to,
        subject: mail.subject,
        body: mail.body,
        message_id: `<${mail.deliveryId}@${this.mailboxes.domain}>`,
        in_reply_to: null,
        references_ids: [],
        reply_to: this.mailboxes.addressOf(mail.organizationId),
        auto_submitted: mail.kind === 'transcript_on_close',
        attachment_ids: [],
        leased_until: null,
        last_error: null,
        sent_at: null,
      })
      .onConflict((oc) => oc.column('delivery_id').doNothing())
      .execute();
  }

  private directory<N extends DirectoryQueryName>(name: N, query: DirectoryQuery<N>): Promise<DirectoryQueryReply<N>> {
    return sendCommand(this.client, directoryPattern(name), query, {
      timeoutMs: 3000,
      parseReply: (value) => directoryQueries[name].reply.parse(value) as DirectoryQueryReply<N>,
    });
  }
}
