import { TRANSCRIPT_EXCERPT_MAX_MESSAGES, type TicketEvent, type TranscriptMessage } from '@livedesk/contracts';
import { authorOf } from './author-of.js';
import { replied } from './decide-reply.js';
import { refuse } from './refusals.js';
import type { CreateTicket } from './ticket-commands.js';
import type { TicketState } from './ticket-state.js';
import { transcriptExcerpt } from './transcript-excerpt.js';

/**
 * Opens a ticket (status `open`), with the requester's first words, when there are any, as
 * their first reply: every public message of a ticket is then a TicketReplied, whatever the
 * ticket came from.
 */
export function decideCreate(command: CreateTicket, state: TicketState): TicketEvent[] {
  if (state.status !== 'none') throw refuse.ticketExists();
  const created: TicketEvent = {
    type: 'TicketCreated',
    data: {
      ticket_id: command.ticketId,
      reference: command.reference,
      source: command.source,
      requester: command.requester,
      subject: command.subject,
      ...(command.groupId === undefined ? {} : { group_id: command.groupId }),
      ...(command.conversationId === undefined ? {} : { conversation_id: command.conversationId }),
      priority: command.priority ?? 'normal',
      tags: [...new Set(command.tags ?? [])],
      ...transcriptOf(command),
      created_by: authorOf(command.actor),
    },
  };
  const notes = chatNotesOf(command);
  if (!command.firstMessage) return [created, ...notes];
  const requester = {
    kind: 'requester' as const,
    ...(command.requester.customer_id === undefined ? {} : { customerId: command.requester.customer_id }),
  };
  return [created, ...notes, replied(requester, command.firstMessage)];
}

/**
 * The chat's internal notes as the ticket's own (InternalNoteAdded), never in its transcript,
 * which the requester may be shown. Each keeps its chat id (unique in the chat, so in the
 * ticket) and its author; the newest TRANSCRIPT_EXCERPT_MAX_MESSAGES, like the transcript, so
 * that creating a ticket from a chat with thousands of notes stays one bounded append.
 */
function chatNotesOf(command: CreateTicket): TicketEvent[] {
  return (command.chatNotes ?? []).slice(-TRANSCRIPT_EXCERPT_MAX_MESSAGES).map((note) => ({
    type: 'InternalNoteAdded',
    data: { note_id: note.message_id, author: note.author, text: note.text, attachments: [...note.attachments] },
  }));
}

/** A chat's ticket keeps a bounded excerpt of its transcript and the chat version it ends at. */
function transcriptOf(command: CreateTicket): {
  transcript: TranscriptMessage[];
  transcript_truncated?: boolean;
  chat_version?: number;
} {
  if (command.transcript === undefined) return { transcript: [] };
  const excerpt = transcriptExcerpt(command.transcript);
  return {
    transcript: excerpt.messages,
    transcript_truncated: excerpt.truncated,
    ...(command.chatVersion === undefined ? {} : { chat_version: command.chatVersion }),
  };
}
