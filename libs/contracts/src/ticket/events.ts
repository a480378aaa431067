import { z } from 'zod';
import { AttachmentRef, Author, Id } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';

export const TicketSource = z.enum(['chat', 'missed_chat', 'offline_message', 'email', 'api']);
export const TicketStatus = z.enum(['open', 'pending', 'solved', 'spam']);

export const ticketEvents = {
  TicketCreated: defineEvent(
    'TicketCreated',
    z.object({
      ticket_id: Id,
      source: TicketSource,
      requester: z.object({ customer_id: Id.optional(), email: z.email().optional(), name: z.string().max(255).optional() }),
      subject: z.string().max(512),
      group_id: Id.optional(),
      conversation_id: Id.optional(),
    }),
  ),
  TicketReplied: defineEvent(
    'TicketReplied',
    z.object({ reply_id: Id, author: Author, text: z.string().max(65_536), attachments: z.array(AttachmentRef).default([]) }),
  ),
  InternalNoteAdded: defineEvent('InternalNoteAdded', z.object({ note_id: Id, agent_id: Id, text: z.string().max(65_536) })),
  TicketStatusChanged: defineEvent('TicketStatusChanged', z.object({ from: TicketStatus, to: TicketStatus, by: Author })),
  TicketAssigned: defineEvent('TicketAssigned', z.object({ agent_id: Id.optional(), group_id: Id.optional() })),
  TicketRetitled: defineEvent('TicketRetitled', z.object({ subject: z.string().max(512) })),
  AttachmentAdded: defineEvent('AttachmentAdded', z.object({ attachment: AttachmentRef })),
} as const;

export type TicketEvent = EventUnion<typeof ticketEvents>;
