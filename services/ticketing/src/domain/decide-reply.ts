import type { TicketEvent, TicketStatus } from '@livedesk/contracts';
import { authorOf, isStaff } from './author-of.js';
import { refuse } from './refusals.js';
import type { AddNote, NewPublicMessage, ReplyToTicket, TicketActor } from './ticket-commands.js';
import { clientKey, type OpenedTicket } from './ticket-state.js';

/**
 * A public reply. The status follows who wrote it:
 * - the requester: `pending` (we were waiting for them) and `solved` (the reopen) become
 *   `open`; `open` stays; a `spam` ticket keeps the message but stays spam;
 * - an agent: the status they chose, `pending` by default (now we wait for the requester);
 *   a spam ticket is not answered (nobody should email a spammer).
 * A repeat of a client id, or of an email's Message-ID, stores nothing.
 */
export function decideReply(command: ReplyToTicket, state: OpenedTicket): TicketEvent[] {
  const { actor } = command;
  if (actor.kind === 'requester' && !isRequester(state, actor)) throw refuse.notRequester();
  if (
    isRepeat(state, actor, command.clientId) ||
    (command.email && state.emailMessageIds.has(command.email.message_id))
  )
    return [];
  const reply = replied(actor, command);
  if (actor.kind === 'requester') {
    if (state.status === 'pending' || state.status === 'solved')
      return [reply, statusChanged(state.status, 'open', actor, 'requester_replied')];
    return [reply];
  }
  if (state.status === 'spam') throw refuse.ticketIsSpam();
  const target = command.status ?? 'pending';
  if (target === 'pending' && !hasContact(state)) throw refuse.noRequesterEmail();
  return target === state.status ? [reply] : [reply, statusChanged(state.status, target, actor, 'agent_replied')];
}

/** Internal notes are for agents (and services, the installation admin): never the requester's. */
export function decideNote(command: AddNote, state: OpenedTicket): TicketEvent[] {
  if (!isStaff(command.actor)) throw refuse.agentsOnly();
  if (isRepeat(state, command.actor, command.clientId)) return [];
  return [
    {
      type: 'InternalNoteAdded',
      data: {
        note_id: command.noteId,
        author: authorOf(command.actor),
        text: command.text,
        attachments: [...command.attachments],
        ...(command.clientId === undefined ? {} : { client_id: command.clientId }),
      },
    },
  ];
}

export function replied(actor: TicketActor, message: NewPublicMessage): TicketEvent {
  return {
    type: 'TicketReplied',
    data: {
      reply_id: message.replyId,
      author: authorOf(actor),
      via: message.via,
      text: message.text,
      attachments: [...message.attachments],
      ...(message.clientId === undefined ? {} : { client_id: message.clientId }),
      ...(message.email === undefined ? {} : { email: message.email }),
    },
  };
}

export function statusChanged(
  from: TicketStatus,
  to: TicketStatus,
  actor: TicketActor,
  cause: 'set' | 'agent_replied' | 'requester_replied',
): TicketEvent {
  return { type: 'TicketStatusChanged', data: { from, to, by: authorOf(actor), cause } };
}

/** The requester is known by their customer id (widget) or their email address (case-insensitive). */
function isRequester(state: OpenedTicket, actor: Extract<TicketActor, { kind: 'requester' }>): boolean {
  const { customer_id, email } = state.requester;
  if (actor.customerId !== undefined && customer_id !== undefined) return actor.customerId === customer_id;
  if (actor.email !== undefined && email !== undefined) return actor.email.toLowerCase() === email.toLowerCase();
  return false;
}

/** Waiting for the requester needs a requester who can hear of the reply. */
function hasContact(state: OpenedTicket): boolean {
  return state.requester.email !== undefined || state.requester.customer_id !== undefined;
}

function isRepeat(state: OpenedTicket, actor: TicketActor, clientId: string | undefined): boolean {
  return clientId !== undefined && state.clientIds.has(clientKey(authorOf(actor), clientId));
}
