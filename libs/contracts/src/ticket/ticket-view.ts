import { z } from 'zod';
import { Id, SafeString, Timestamp } from '../common.js';
import { Requester, TicketPriority, TicketSource, TicketStatus, TicketTag } from './events.js';

/** A ticket as lists, `GET …/tickets/:id` and the ticket pushes show it. */
export const TicketSummary = z.object({
  ticket_id: Id,
  /** The token of the ticket's email thread (`LD-…`), in reply-to addresses and subjects. */
  reference: SafeString,
  subject: SafeString,
  status: TicketStatus,
  priority: TicketPriority,
  source: TicketSource,
  requester: Requester,
  group_id: Id.nullable(),
  assignee_id: Id.nullable(),
  tags: z.array(TicketTag),
  conversation_id: Id.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** The ticket's stream version: the version of its last event. */
  version: z.number().int().positive(),
});
export type TicketSummary = z.infer<typeof TicketSummary>;

/** One stored event of a ticket, as agents see it (notes included; requesters never see these). */
export const TicketEventView = z.object({
  ticket_id: Id,
  version: z.number().int().positive(),
  event_id: z.uuid(),
  type: SafeString,
  created_at: Timestamp,
  data: z.record(z.string(), z.unknown()),
});
export type TicketEventView = z.infer<typeof TicketEventView>;
