import { v5 as uuidv5 } from 'uuid';
import type { TicketEvent } from '@livedesk/contracts';
import type { OpenedTicket } from '../../domain/index.js';
import { REPLY_MARKER } from './reply-marker.js';

const NAMESPACE = '3c9d7a52-0e61-4a8e-b1f4-6a2d9c8e7f13';

export type DeliveryKind = 'created' | 'reply' | 'solved';

/** One email to send because of one ticket event, before its thread headers are known. */
export interface PlannedDelivery {
  deliveryId: string;
  eventId: string;
  kind: DeliveryKind;
  to: string;
  subject: string;
  body: string;
  /** `<delivery id@domain>`: derived, so a retried send carries the same id and mail clients drop a repeat. */
  messageId: string;
  /** RFC 3834: an automatic notification, which auto-responders must not answer (mail loops). */
  autoSubmitted: boolean;
  attachmentIds: string[];
}

export interface DeliveryContext {
  ticket: OpenedTicket;
  events: readonly (TicketEvent & { eventId: string })[];
  messageIdDomain: string;
}

/** Sources whose requester wrote to us and hears that the request arrived. */
const ACKNOWLEDGED_SOURCES = new Set(['email', 'offline_message', 'api']);

/**
 * The emails the events of one command send to the requester. Pure: the rules of what reaches
 * the requester by email are unit-tested here.
 * - an agent's (or bot's, or service's) public reply: the reply, with its files;
 * - a ticket that becomes `solved` without a reply in the same command: a notification;
 * - a new ticket from an email or the API: an acknowledgement with its reference; from an offline
 *   message (`leave_message`, an address anyone may type): one with a fixed subject and text only;
 * - never an internal note, nothing for a spam ticket, nothing without a requester email.
 */
export function deliveriesFor({ ticket, events, messageIdDomain }: DeliveryContext): PlannedDelivery[] {
  const to = ticket.requester.email;
  if (to === undefined || ticket.status === 'spam') return [];
  const agentReplied = events.some((event) => event.type === 'TicketReplied' && event.data.author.kind !== 'customer');
  const deliveries: PlannedDelivery[] = [];
  const plan = (
    eventId: string,
    kind: DeliveryKind,
    subject: string,
    body: string,
    autoSubmitted: boolean,
    attachmentIds: string[] = [],
  ) => {
    const deliveryId = uuidv5(`${eventId}:${kind}`, NAMESPACE);
    deliveries.push({
      deliveryId,
      eventId,
      kind,
      to,
      subject,
      body,
      messageId: `<${deliveryId}@${messageIdDomain}>`,
      autoSubmitted,
      attachmentIds,
    });
  };
  const footer = `\n\n--\nYour request ${ticket.reference}: "${ticket.subject}". Reply to this email to add to it.`;
  for (const event of events) {
    switch (event.type) {
      case 'TicketCreated':
        if (event.data.source === 'offline_message') {
          // Anyone on the organization's site may type any address into leave_message: the
          // acknowledgement carries none of the visitor's words (their subject came from the
          // visitor's text, so the system mailed a stranger whatever the visitor wrote).
          plan(
            event.eventId,
            'created',
            `[${ticket.reference}] We have received your message`,
            `${REPLY_MARKER}\n\nWe have received your message and will answer you soon.\n\n--\nYour request ${ticket.reference}. Reply to this email to add to it.`,
            true,
          );
        } else if (ACKNOWLEDGED_SOURCES.has(event.data.source)) {
          plan(
            event.eventId,
            'created',
            `[${ticket.reference}] ${ticket.subject}`,
            `${REPLY_MARKER}\n\nWe have received your request and will answer you soon.${footer}`,
            true,
          );
        }
        break;
      case 'TicketReplied':
        if (event.data.author.kind === 'customer') break;
        plan(
          event.eventId,
          'reply',
          `Re: ${ticket.subject} [${ticket.reference}]`,
          `${REPLY_MARKER}\n\n${event.data.text}${ticket.status === 'solved' ? '\n\nWe consider your request solved. Reply to this email if it is not.' : ''}${footer}`,
          false,
          event.data.attachments.map((attachment) => attachment.attachment_id),
        );
        break;
      case 'TicketStatusChanged':
        if (event.data.to === 'solved' && !agentReplied) {
          plan(
            event.eventId,
            'solved',
            `Re: ${ticket.subject} [${ticket.reference}]`,
            `${REPLY_MARKER}\n\nYour request is solved. Reply to this email to reopen it.${footer}`,
            true,
          );
        }
        break;
      default:
        break;
    }
  }
  return deliveries;
}
