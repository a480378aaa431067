import { z } from 'zod';
import { AttachmentRef, Id, SafeString } from '../common.js';
import { Requester, TicketPriority, TicketStatus, TicketTag, TicketText } from './events.js';
import { TicketEventView, TicketSummary } from './ticket-view.js';

/**
 * The ticketing service's HTTP API (`/v1/organizations/:organization_id/…`), for agents and
 * ops; its OpenAPI document (`GET /v1/openapi.json`) is generated from these schemas. Request
 * bodies are strict: an unknown field is a `validation` error.
 */

/** A client-chosen id that makes a request idempotent: the same id again answers what the first stored. */
const ClientId = SafeString.min(1).max(128);
const AttachmentIds = z.array(Id).max(20);

export const CreateTicketRequest = z
  .object({
    client_id: ClientId,
    subject: SafeString.min(1).max(512),
    requester: Requester.strict().refine(
      (r) => r.email !== undefined || r.customer_id !== undefined,
      'requester needs an email or a customer_id',
    ),
    /** The requester's first message (a web form, an integration). */
    message: z.object({ text: TicketText, attachment_ids: AttachmentIds.optional() }).strict().optional(),
    group_id: Id.optional(),
    priority: TicketPriority.optional(),
    tags: z.array(TicketTag).max(50).optional(),
  })
  .strict();

export const ReplyRequest = z
  .object({
    client_id: ClientId,
    text: TicketText,
    attachment_ids: AttachmentIds.optional(),
    /** The status after the reply; by default an agent's reply leaves the ticket `pending` (waiting for the requester). */
    status: z.enum(['open', 'pending', 'solved']).optional(),
  })
  .strict();

export const NoteRequest = z
  .object({ client_id: ClientId, text: TicketText, attachment_ids: AttachmentIds.optional() })
  .strict();

export const StatusRequest = z.object({ status: TicketStatus }).strict();

export const AssignRequest = z
  .object({ agent_id: Id.nullable().optional(), group_id: Id.nullable().optional() })
  .strict()
  .refine(
    (body) => body.agent_id !== undefined || body.group_id !== undefined,
    'give agent_id, group_id or both (null unassigns)',
  );

export const UpdateTicketRequest = z
  .object({
    subject: SafeString.min(1).max(512).optional(),
    priority: TicketPriority.optional(),
    add_tags: z.array(TicketTag).max(50).optional(),
    remove_tags: z.array(TicketTag).max(50).optional(),
    attachment_ids: AttachmentIds.optional(),
  })
  .strict();

export const TicketListQuery = z
  .object({
    status: z.union([TicketStatus, z.array(TicketStatus)]).optional(),
    assignee_id: Id.optional(),
    group_id: Id.optional(),
    requester: SafeString.min(1).max(320).optional(),
    q: SafeString.min(1).max(256).optional(),
    cursor: SafeString.max(256).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();

export const TicketChangeResponse = z.object({ ticket: TicketSummary, duplicate: z.boolean() });
export const TicketListResponse = z.object({ tickets: z.array(TicketSummary), next_cursor: SafeString.nullable() });
/** Events a page of `GET …/tickets/:id` holds when the query names no `limit`. */
export const TICKET_PAGE_DEFAULT_EVENTS = 100;
/** The most events one page of `GET …/tickets/:id` holds. */
export const TICKET_PAGE_MAX_EVENTS = 500;
/** A page of a ticket's history adds no event past this many bytes of events' JSON (but holds at least one). */
export const TICKET_PAGE_MAX_BYTES = 262_144;

/** `GET …/tickets/:id`: which page of the ticket's history. */
export const TicketHistoryQuery = z
  .object({
    since_version: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(TICKET_PAGE_MAX_EVENTS).optional(),
  })
  .strict();

export const TicketResponse = z.object({
  ticket: TicketSummary,
  events: z.array(TicketEventView),
  has_more: z.boolean().describe('More events follow this page: ask again with since_version = next_since_version.'),
  next_since_version: z
    .number()
    .int()
    .nonnegative()
    .describe('The version of the last event of this page: the since_version of the next page.'),
});
export const AttachmentResponse = AttachmentRef;
export const MailboxResponse = z.object({ organization_id: Id, address: SafeString });
