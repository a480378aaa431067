import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { TicketingCommand, TicketingCommandReply } from '@livedesk/contracts';
import { DATABASE } from '@livedesk/service-kit';
import { derivedId } from '../../application/command-ids.js';
import { MailboxAddresses } from '../inbound/mailbox-addresses.js';
import type { TicketingTables } from '../../read-model/ticketing-tables.js';

/**
 * Notification emails about no ticket (`queue_email`: the metrics service's daily summary),
 * written to the same outbox as the tickets' mail, which `OutboundMailer` sends. The delivery id
 * is derived from the organization and the caller's key, and the row is inserted once: however
 * many replicas ask, and however often (a retry, a restart), one mail leaves.
 */
@Injectable()
export class NotificationEmails {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<TicketingTables>,
    private readonly mailboxes: MailboxAddresses,
  ) {}

  async queue(command: TicketingCommand<'queue_email'>): Promise<TicketingCommandReply<'queue_email'>> {
    const deliveryId = derivedId('notification-email', command.organization_id, command.key);
    const inserted = await this.db
      .insertInto('ticketing.outbound_emails')
      .values({
        delivery_id: deliveryId,
        organization_id: command.organization_id,
        ticket_id: null,
        event_id: null,
        kind: command.kind,
        to_address: command.to,
        subject: command.subject,
        body: command.text,
        message_id: `<${deliveryId}@${this.mailboxes.domain}>`,
        in_reply_to: null,
        references_ids: [],
        reply_to: null,
        auto_submitted: true,
        attachment_ids: [],
        leased_until: null,
        last_error: null,
        sent_at: null,
      })
      .onConflict((oc) => oc.column('delivery_id').doNothing())
      .returning('delivery_id')
      .executeTakeFirst();
    return { delivery_id: deliveryId, duplicate: inserted === undefined };
  }
}
