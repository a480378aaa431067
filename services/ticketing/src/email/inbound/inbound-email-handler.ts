import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AttachmentRef } from '@livedesk/contracts';
import { DATABASE } from '@livedesk/service-kit';
import { DomainError, referenceIn, ticketReference, type TicketActor } from '../../domain/index.js';
import { derivedId } from '../../application/command-ids.js';
import { TicketCommands } from '../../application/ticket-commands.service.js';
import { AttachmentRefusedError, Attachments } from '../../attachments/attachments.js';
import { ticketsOfMessages } from '../../read-model/email-messages-table.js';
import type { TicketingTables } from '../../read-model/ticketing-tables.js';
import { ticketByReference } from '../../read-model/tickets-table.js';
import { textAboveMarker } from '../outbound/reply-marker.js';
import { automaticEmail } from './automatic-email.js';
import { InboundRefusal } from './inbound-refusal.js';
import type { Mailbox } from './mailbox-addresses.js';
import { parseEmail, type InboundEmail } from './parse-email.js';
import { boundedEmailText } from './bounded-email-text.js';

export type InboundOutcome =
  | { outcome: 'ticket_created' | 'replied'; ticketId: string; duplicate: boolean }
  | { outcome: 'auto_reply_ignored'; reason: string };

const INBOUND_ACTOR: TicketActor = { kind: 'system', id: 'inbound-email' };

/**
 * What an email accepted over SMTP becomes. The organization is the mailbox's (the address it
 * was sent to); the ticket, when the email answers one, is found by the reference in the
 * address or the subject, or by In-Reply-To / References. A reference to another organization's
 * ticket is refused (a forged reply), not added anywhere. Files are checked against the policy
 * before anything is stored, so a refused email leaves nothing behind.
 */
@Injectable()
export class InboundEmailHandler {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<TicketingTables>,
    private readonly commands: TicketCommands,
    private readonly attachments: Attachments,
  ) {}

  async receive(raw: Buffer, envelopeSender: string, mailbox: Mailbox): Promise<InboundOutcome> {
    const fallbackId = `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@livedesk.invalid>`;
    const email = await parseEmail(raw, envelopeSender, fallbackId);
    const automatic = automaticEmail(email.signals);
    if (automatic) {
      await this.log(
        mailbox.organizationId,
        email,
        'auto_reply_ignored',
        null,
        `${automatic.kind}: ${automatic.reason}`,
      );
      return { outcome: 'auto_reply_ignored', reason: `${automatic.kind}: ${automatic.reason}` };
    }
    for (const file of email.attachments) {
      try {
        this.attachments.check(file.name, file.contentType, file.content.length);
      } catch (error) {
        if (error instanceof AttachmentRefusedError)
          throw new InboundRefusal(552, error.refusal.reason, `5.7.0 ${error.refusal.message}`);
        throw error;
      }
    }
    const ticketId = await this.ticketAnswered(mailbox, email);
    const files = await this.storeAttachments(mailbox.organizationId, email);
    const text = boundedEmailText(textAboveMarker(email.text) || '(no text)');
    const threading = {
      message_id: email.messageId,
      ...(email.inReplyTo ? { in_reply_to: email.inReplyTo } : {}),
      references: email.references.slice(-100),
    };
    const commandId = derivedId('inbound-email', mailbox.organizationId, email.messageId);
    const replyId = derivedId('inbound-reply', mailbox.organizationId, email.messageId);
    if (ticketId) {
      try {
        const outcome = await this.commands.execute(
          ticketId,
          {
            type: 'reply',
            actor: { kind: 'requester', email: email.fromAddress },
            replyId,
            text,
            via: 'email',
            attachments: files,
            email: threading,
          },
          { organizationId: mailbox.organizationId, commandId, metadata: { actor: INBOUND_ACTOR } },
        );
        await this.log(mailbox.organizationId, email, 'replied', ticketId, null);
        return { outcome: 'replied', ticketId, duplicate: outcome.duplicate };
      } catch (error) {
        // Someone else answering the thread (a colleague in copy) starts a ticket of their own:
        // their words are kept, but never as the requester's.
        if (!(error instanceof DomainError && error.reason === 'not_requester')) throw error;
      }
    }
    const newTicketId = derivedId('email-ticket', mailbox.organizationId, email.messageId);
    const outcome = await this.commands.execute(
      newTicketId,
      {
        type: 'create',
        actor: INBOUND_ACTOR,
        ticketId: newTicketId,
        reference: ticketReference(newTicketId),
        source: 'email',
        requester: { email: email.fromAddress, ...(email.fromName ? { name: email.fromName.slice(0, 255) } : {}) },
        subject: (email.subject || '(no subject)').slice(0, 512),
        firstMessage: { replyId, text, via: 'email', attachments: files, email: threading },
      },
      { organizationId: mailbox.organizationId, commandId, metadata: { actor: INBOUND_ACTOR } },
    );
    await this.log(mailbox.organizationId, email, 'ticket_created', newTicketId, null);
    return { outcome: 'ticket_created', ticketId: newTicketId, duplicate: outcome.duplicate };
  }

  /**
   * The ticket an email answers, if any: the reference of the address, then of the subject,
   * then the newest Message-ID of In-Reply-To and References that is one of this
   * organization's. Any of them naming another organization's ticket refuses the email.
   */
  private async ticketAnswered(mailbox: Mailbox, email: InboundEmail): Promise<string | undefined> {
    const forged = () =>
      new InboundRefusal(
        550,
        'foreign_ticket',
        '5.7.1 the email refers to a ticket that is not of this mailbox; it was not accepted',
      );
    for (const reference of [mailbox.reference, referenceIn(email.subject)]) {
      if (reference === undefined) continue;
      const ticket = await ticketByReference(this.db, reference);
      if (!ticket) continue;
      if (ticket.organization_id !== mailbox.organizationId) throw forged();
      return ticket.ticket_id;
    }
    const threadIds = [...(email.inReplyTo ? [email.inReplyTo] : []), ...[...email.references].reverse()];
    const known = await ticketsOfMessages(this.db, threadIds);
    const own = known.find((entry) => entry.organizationId === mailbox.organizationId);
    if (own) return own.ticketId;
    if (known.length > 0) throw forged();
    return undefined;
  }

  private async storeAttachments(organizationId: string, email: InboundEmail): Promise<AttachmentRef[]> {
    const refs: AttachmentRef[] = [];
    for (const [index, file] of email.attachments.entries()) {
      const attachmentId = derivedId('email-attachment', organizationId, email.messageId, String(index));
      refs.push(await this.attachments.store(organizationId, attachmentId, file));
    }
    return refs;
  }

  private async log(
    organizationId: string,
    email: InboundEmail,
    outcome: 'ticket_created' | 'replied' | 'auto_reply_ignored',
    ticketId: string | null,
    reason: string | null,
  ): Promise<void> {
    await this.db
      .insertInto('ticketing.inbound_emails')
      .values({
        organization_id: organizationId,
        message_id: email.messageId.slice(0, 998),
        sender: email.fromAddress,
        outcome,
        ticket_id: ticketId,
        reason,
      })
      .execute();
  }
}
