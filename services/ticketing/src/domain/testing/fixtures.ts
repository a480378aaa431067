import type { Author, TicketEvent, TicketStatus } from '@livedesk/contracts';
import type { ReplyToTicket, TicketActor } from '../ticket-commands.js';

export const ticketId = 'ticket-1';
export const reference = 'LD-0123456789';
export const alice: TicketActor = { kind: 'agent', id: 'alice' };
export const aliceAuthor: Author = { kind: 'agent', id: 'alice' };
export const bot: TicketActor = { kind: 'agent', id: 'helper-bot', bot: true };
export const admin: TicketActor = { kind: 'system', id: 'installation_admin' };
export const requester: TicketActor = { kind: 'requester', email: 'Ann@Example.test' };
export const requesterAuthor: Author = { kind: 'customer' };
export const stranger: TicketActor = { kind: 'requester', email: 'mallory@example.test' };

export const createdEvent: TicketEvent = {
  type: 'TicketCreated',
  data: {
    ticket_id: ticketId,
    reference,
    source: 'email',
    requester: { email: 'ann@example.test', name: 'Ann' },
    subject: 'The invoice is wrong',
    priority: 'normal',
    tags: [],
    transcript: [],
    created_by: { kind: 'system', id: 'inbound-email' },
  },
};

export function status(
  from: TicketStatus,
  to: TicketStatus,
  by: Author,
  cause: 'set' | 'agent_replied' | 'requester_replied',
): TicketEvent {
  return { type: 'TicketStatusChanged', data: { from, to, by, cause } };
}

export function reply(actor: TicketActor, id: string, extra: Partial<ReplyToTicket> = {}): ReplyToTicket {
  return {
    type: 'reply',
    actor,
    replyId: id,
    text: `text of ${id}`,
    via: actor.kind === 'requester' ? 'email' : 'api',
    attachments: [],
    ...extra,
  };
}

export function replied(
  author: Author,
  id: string,
  via: 'email' | 'api' | 'widget' = author.kind === 'customer' ? 'email' : 'api',
  extra: Record<string, unknown> = {},
): TicketEvent {
  return {
    type: 'TicketReplied',
    data: { reply_id: id, author, via, text: `text of ${id}`, attachments: [], ...extra },
  } as TicketEvent;
}

export const openTicket: TicketEvent[] = [createdEvent];
export const pendingTicket: TicketEvent[] = [
  createdEvent,
  replied(aliceAuthor, 'r1'),
  status('open', 'pending', aliceAuthor, 'agent_replied'),
];
export const solvedTicket: TicketEvent[] = [...pendingTicket, status('pending', 'solved', aliceAuthor, 'set')];
export const spamTicket: TicketEvent[] = [createdEvent, status('open', 'spam', aliceAuthor, 'set')];
