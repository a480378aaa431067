import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { sql, type Kysely, type Selectable } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import nodemailer, { type Transporter } from 'nodemailer';
import { DATABASE, SERVICE_CONFIG } from '@livedesk/service-kit';
import { Attachments } from '../../attachments/attachments.js';
import type { OutboundEmailsTable, TicketingTables } from '../../read-model/ticketing-tables.js';
import type { TicketingConfig } from '../../ticketing-config.js';

type Delivery = Selectable<OutboundEmailsTable>;

/** A delivery in hand is another replica's for this long; after it (a crash), it is tried again. */
const LEASE_SECONDS = 120;
const BATCH = 10;

/**
 * Sends the outbox (`ticketing.outbound_emails`) through the SMTP relay. Every replica runs
 * one; a delivery is claimed with `FOR UPDATE SKIP LOCKED` and a lease, so two replicas never
 * send it at once. Each state is recorded: `sending` (with the attempt) before the SMTP
 * transaction, `sent` right after the relay accepted it; a failure goes back to `pending` with
 * a growing delay, and to `failed` after `OUTBOUND_EMAIL_MAX_ATTEMPTS`. The one window no
 * database closes — the relay accepted, the process died before `sent` was stored — resends
 * after the lease with the same Message-ID, which receiving mail systems treat as the same
 * message. A delivery whose ticket became spam is `cancelled`, never sent. Chat transcripts
 * (transcripts/chat-transcripts.ts) go the same way, with no ticket.
 */
@Injectable()
export class OutboundMailer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly transport: Transporter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<TicketingTables>,
    @Inject(SERVICE_CONFIG) private readonly config: TicketingConfig,
    private readonly attachments: Attachments,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('OutboundMailer');
    this.transport =
      config.SMTP_RELAY_URL === undefined ? undefined : nodemailer.createTransport(config.SMTP_RELAY_URL);
  }

  onApplicationBootstrap(): void {
    if (!this.transport) {
      this.logger.warn(
        'SMTP_RELAY_URL is not set: outbound email waits in the outbox (ticketing.outbound_emails) until it is',
      );
      return;
    }
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport?.close();
  }

  /** Sends what is due now; answers how many deliveries it handled (tests call it directly). */
  async sendDue(): Promise<number> {
    if (!this.transport) return 0;
    const claimed = await this.claim();
    for (const delivery of claimed) await this.send(delivery);
    return claimed.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sendDue()
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'outbound email round failed');
          return 0;
        })
        .then((handled) => this.schedule(handled === BATCH ? 0 : this.config.OUTBOUND_EMAIL_POLL_MS));
    }, delayMs);
  }

  private async claim(): Promise<Delivery[]> {
    const { rows } = await sql<Delivery>`
      UPDATE ticketing.outbound_emails AS o
         SET status = 'sending', attempts = o.attempts + 1, leased_until = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE o.delivery_id IN (
         SELECT delivery_id FROM ticketing.outbound_emails
          WHERE next_attempt_at <= now()
            AND (status = 'pending' OR (status = 'sending' AND leased_until < now()))
          ORDER BY next_attempt_at
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED)
      RETURNING o.*`.execute(this.db);
    return rows;
  }

  private async send(delivery: Delivery): Promise<void> {
    const ticketId = delivery.ticket_id;
    const ticket =
      ticketId === null
        ? undefined
        : await this.db
            .selectFrom('ticketing.tickets')
            .select('status')
            .where('ticket_id', '=', ticketId)
            .executeTakeFirst();
    if (ticket?.status === 'spam') {
      await this.finish(delivery, { status: 'cancelled', last_error: 'the ticket is spam' });
      return;
    }
    try {
      const files = await Promise.all(
        delivery.attachment_ids.map((id) => this.attachments.content(delivery.organization_id, id)),
      );
      await this.transport!.sendMail({
        from: this.config.MAIL_FROM,
        to: delivery.to_address,
        ...(delivery.reply_to ? { replyTo: delivery.reply_to } : {}),
        subject: delivery.subject,
        text: delivery.body,
        messageId: delivery.message_id,
        ...(delivery.in_reply_to ? { inReplyTo: delivery.in_reply_to } : {}),
        ...(delivery.references_ids.length > 0 ? { references: delivery.references_ids } : {}),
        headers: {
          ...(delivery.auto_submitted
            ? { 'Auto-Submitted': ticketId === null ? 'auto-generated' : 'auto-replied' }
            : {}),
          // Exchange's and others' out-of-office replies stay quiet for these.
          'X-Auto-Response-Suppress': 'OOF, AutoReply',
          ...(ticketId === null ? {} : { 'X-Livedesk-Ticket': ticketId }),
          ...(delivery.conversation_id === null ? {} : { 'X-Livedesk-Chat': delivery.conversation_id }),
        },
        attachments: files.flatMap((file) =>
          file ? [{ filename: file.ref.name, contentType: file.ref.content_type, content: file.content }] : [],
        ),
      });
      await this.finish(delivery, { status: 'sent', sent_at: new Date(), last_error: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = delivery.attempts >= this.config.OUTBOUND_EMAIL_MAX_ATTEMPTS || isPermanent(error);
      const delayMs = Math.min(2 ** (delivery.attempts - 1) * this.config.OUTBOUND_EMAIL_RETRY_BASE_MS, 3_600_000);
      this.logger.warn(
        { deliveryId: delivery.delivery_id, attempt: delivery.attempts, err: error },
        permanent ? 'outbound email failed for good' : 'outbound email failed; will retry',
      );
      await this.finish(delivery, {
        status: permanent ? 'failed' : 'pending',
        last_error: message.slice(0, 2000),
        next_attempt_at: new Date(Date.now() + delayMs),
      });
    }
  }

  private async finish(
    delivery: Delivery,
    changes: Partial<Pick<Delivery, 'status' | 'sent_at' | 'last_error' | 'next_attempt_at'>>,
  ): Promise<void> {
    await this.db
      .updateTable('ticketing.outbound_emails')
      .set({ ...changes, leased_until: null })
      .where('delivery_id', '=', delivery.delivery_id)
      .execute();
  }
}

/** A 5xx answer of the relay will not change by retrying (an address that does not exist, say). */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
