import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import type { TicketingConfig } from '../../ticketing-config.js';
import { InboundEmailHandler } from './inbound-email-handler.js';
import { InboundRefusal } from './inbound-refusal.js';
import { MailboxAddresses, type Mailbox } from './mailbox-addresses.js';

/** An SMTP error reply: smtp-server answers `responseCode` and the message. */
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * The inbound SMTP endpoint (docs/architecture.md: port 2525), an MX for the organizations' addresses.
 * A recipient that is not an organization's signed address is refused at RCPT TO; one message
 * goes to one organization. Answers: 250 once the email is stored (as a ticket, a reply, or
 * recognised as an auto-reply), 550 / 552 when it is refused for good (malformed, too big, a
 * forbidden file, a forged reply), 451 when something failed on our side (the sending server
 * retries later, so nothing is lost). No AUTH, no STARTTLS: it is the public MX role; put TLS
 * in front of it (a load balancer) where mail must be encrypted in transit.
 */
@Injectable()
export class InboundSmtpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: SMTPServer;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: TicketingConfig,
    private readonly mailboxes: MailboxAddresses,
    private readonly handler: InboundEmailHandler,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('InboundSmtpServer');
    this.server = new SMTPServer({
      name: config.INBOUND_EMAIL_DOMAIN,
      banner: 'livedesk ticketing',
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      size: config.SMTP_INBOUND_MAX_BYTES,
      logger: false,
      onRcptTo: (address, session, callback) => callback(this.checkRecipient(address, session) ?? undefined),
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (message) => callback(null, message),
          (error: unknown) => callback(error as Error),
        );
      },
    });
    this.server.on('error', (error) => this.logger.error({ err: error }, 'inbound SMTP server error'));
  }

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(this.config.SMTP_INBOUND_PORT, this.config.SMTP_INBOUND_HOST, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    this.logger.info({ port: this.port }, 'inbound SMTP listening');
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The port it listens on (the configured one, or the one taken for `SMTP_INBOUND_PORT=0`). */
  get port(): number {
    const address = this.server.server.address();
    return typeof address === 'object' && address ? address.port : this.config.SMTP_INBOUND_PORT;
  }

  private checkRecipient(address: SMTPServerAddress, session: SMTPServerSession): Error | null {
    const mailbox = this.mailboxes.parse(address.address);
    if (!mailbox) return smtpError(550, `5.1.1 <${address.address}>: no such mailbox`);
    const first = session.envelope.rcptTo[0];
    const firstMailbox = first ? this.mailboxes.parse(first.address) : undefined;
    if (firstMailbox && firstMailbox.organizationId !== mailbox.organizationId) {
      return smtpError(452, '4.5.3 one organization per message: send the rest separately');
    }
    return null;
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Past the limit the rest is read and dropped: the reply comes after the whole DATA.
      if (size <= this.config.SMTP_INBOUND_MAX_BYTES) chunks.push(chunk);
    }
    if (stream.sizeExceeded || size > this.config.SMTP_INBOUND_MAX_BYTES) {
      throw smtpError(552, `5.3.4 the message exceeds the ${this.config.SMTP_INBOUND_MAX_BYTES} bytes accepted`);
    }
    const recipient = session.envelope.rcptTo[0];
    const mailbox: Mailbox | undefined = recipient ? this.mailboxes.parse(recipient.address) : undefined;
    if (!mailbox) throw smtpError(554, '5.5.1 no valid recipients');
    const mailFrom = session.envelope.mailFrom;
    const sender = mailFrom === false ? '' : mailFrom.address;
    try {
      const outcome = await this.handler.receive(Buffer.concat(chunks), sender, mailbox);
      this.logger.info({ organizationId: mailbox.organizationId, ...outcome }, 'inbound email');
      if (outcome.outcome === 'auto_reply_ignored')
        return `accepted; recognised as an automatic message (${outcome.reason}), not turned into a ticket`;
      return `accepted as ${outcome.outcome === 'ticket_created' ? 'a new ticket' : 'a reply to ticket'} ${outcome.ticketId}`;
    } catch (error) {
      if (error instanceof InboundRefusal) {
        this.logger.info(
          { organizationId: mailbox.organizationId, reason: error.reason },
          `inbound email refused: ${error.message}`,
        );
        throw smtpError(error.responseCode, error.message);
      }
      this.logger.error({ err: error }, 'inbound email failed; the sender will retry');
      throw smtpError(451, '4.3.0 temporary failure, try again later');
    }
  }
}
