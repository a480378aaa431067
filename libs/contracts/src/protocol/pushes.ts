import { z } from 'zod';
import { Author, Id, SafeString } from '../common.js';
import { ChatEventView, ChatSummary } from '../conversation/chat-view.js';
import { AgentPublicProfile } from './agent-profile.js';
import { SlaTarget } from '../sla/events.js';
import { TicketSummary } from '../ticket/ticket-view.js';
import { Visitor } from './actions.js';

/**
 * Pushes (server → client). Every push about a chat carries `chat_id` and the stream `version`
 * of the event behind it, so that a client that reconnects asks `get_chat` for what came after
 * the last version it saw. Typing indicators are not events and carry no version.
 */
const AboutChat = { chat_id: Id, version: z.number().int().positive() };

/**
 * `sla_warning` and `sla_breached` (docs/metrics.md, SLA): which target of which cycle of the chat,
 * and when it falls (fell) due; `version` is the chat's stream version the alert was decided on.
 */
const SlaAlertPayload = z.object({
  ...AboutChat,
  cycle: z.number().int().positive(),
  target: SlaTarget,
  /** for next_response: the exchange (counted from 1, the first being the first response) */
  exchange: z.number().int().positive().optional(),
  due_at: z.iso.datetime({ offset: true }),
  policy_id: Id,
  group_id: Id.nullable(),
  agent_id: Id.nullable(),
});

export const pushes = {
  incoming_chat: {
    payload: z.object({ ...AboutChat, chat: ChatSummary }),
    summary: 'A chat was assigned or transferred to you; get_chat gives its whole transcript, page by page.',
    to: 'agent',
  },
  incoming_event: {
    payload: z.object({ ...AboutChat, event: ChatEventView }),
    summary: 'A new message or system event in one of your chats.',
    to: 'both',
  },
  chat_queued: {
    payload: z.object({ ...AboutChat, group_id: Id }),
    summary:
      'Extension: a chat entered the queue of a group (agents of the organization), the first after a quiet period.',
    to: 'agent',
  },
  chats_queued: {
    payload: z.object({
      chats: z
        .array(z.object({ ...AboutChat, group_id: Id }))
        .min(2)
        .max(500),
    }),
    summary:
      'Extension: the chats that entered queues during the last RTM_QUEUE_PUSH_INTERVAL_MS (250 ms), each with its latest version; a socket hears at most one queue push per period.',
    to: 'agent',
  },
  chats_dequeued: {
    payload: z.object({
      chats: z
        .array(z.object({ ...AboutChat }))
        .min(1)
        .max(500),
    }),
    summary:
      'Extension: the chats that left the queues (taken by an agent, transferred to one, ended) during the last RTM_DEQUEUE_PUSH_INTERVAL_MS (1 s), each with its latest version; coalesced per organization as chats_queued, the first after a quiet period at once. May name a chat the desk never listed.',
    to: 'agent',
  },
  chat_transferred: {
    payload: z.object({
      ...AboutChat,
      from_agent_id: Id.nullable(),
      to_agent_id: Id.nullable(),
      to_group_id: Id.nullable(),
      reason: z.enum(['manual', 'auto']),
      agent: AgentPublicProfile.optional().describe(
        'To the customer only (extension): the public profile of the agent the chat went to.',
      ),
    }),
    summary: 'The chat moved to another agent or group.',
    to: 'both',
  },
  events_seen: {
    payload: z.object({ ...AboutChat, by: Author, seen_up_to: Id }),
    summary: 'The other side read the chat up to a message.',
    to: 'both',
  },
  chat_deactivated: {
    payload: z.object({
      ...AboutChat,
      reason: z
        .enum(['resolved', 'closed', 'customer_left', 'inactive', 'missed'])
        .describe(
          'resolved; closed (by the customer: v1.1 names it closed_by_customer); customer_left (no customer socket for CHAT_ABANDON_SECONDS while queued); inactive (no message for chat_inactivity_seconds while active); missed (the cycle ended unanswered, before its close when both happen).',
        ),
    }),
    summary:
      'The chat ended: resolved, closed by the customer, closed because the customer left the queue or the chat went inactive, or missed.',
    to: 'both',
  },
  chat_tagged: {
    payload: z.object({ ...AboutChat, tag: SafeString }),
    summary: 'Agents: a tag was put on a chat (tag_chat): its assigned agent and supervisors; never the customer.',
    to: 'agent',
  },
  chat_untagged: {
    payload: z.object({ ...AboutChat, tag: SafeString }),
    summary: 'Agents: a tag was taken off a chat (untag_chat): the same agents as chat_tagged.',
    to: 'agent',
  },
  typing_indicator: {
    payload: z.object({
      chat_id: Id,
      by: z.object({ kind: z.enum(['customer', 'agent']), id: Id }),
      is_typing: z.boolean(),
      preview: SafeString.optional(),
    }),
    summary: "The other side is typing; agents also get the customer's unsent text (sneak peek).",
    to: 'both',
  },
  queue_position_updated: {
    payload: z.object({
      chat_id: Id,
      position: z.number().int().positive(),
      estimated_wait_seconds: z.number().nonnegative().nullable(),
      agents_available: z.boolean(),
    }),
    summary:
      'Customer: the place of a queued chat and the estimated wait; agents_available false offers leave_message.',
    to: 'customer',
  },
  visitor_updated: {
    payload: Visitor,
    summary: 'Agents: a visitor of the organization moved to another page.',
    to: 'agent',
  },
  incoming_greeting: {
    payload: z.object({ greeting_id: Id, agent_id: Id, text: SafeString }),
    summary: 'Customer: an agent invites the visitor to chat.',
    to: 'customer',
  },
  routing_status_set: {
    payload: z.object({ agent_id: Id, status: z.enum(['accepting', 'not_accepting', 'offline']) }),
    summary: "Agent: the agent's routing status changed (by the agent, a supervisor, or presence).",
    to: 'agent',
  },
  ticket_created: {
    payload: z.object({ ticket_id: Id, version: z.number().int().positive(), ticket: TicketSummary }),
    summary:
      "A ticket was opened: agents of the ticket's group (all agents when it has none), its assignee and supervisors.",
    to: 'agent',
  },
  ticket_updated: {
    payload: z.object({ ticket_id: Id, version: z.number().int().positive(), type: SafeString, ticket: TicketSummary }),
    summary:
      'A ticket changed (type: the event, e.g. TicketReplied, InternalNoteAdded, TicketStatusChanged): the same agents as ticket_created; none for a spam ticket, but the change to spam itself.',
    to: 'agent',
  },
  ticket_reply: {
    payload: z.object({
      ticket_id: Id,
      reference: SafeString,
      version: z.number().int().positive(),
      reply: z.object({ reply_id: Id, author: Author, text: SafeString, created_at: z.iso.datetime({ offset: true }) }),
    }),
    summary:
      'Extension, customer: an agent answered a ticket of the customer in public (internal notes never come here).',
    to: 'customer',
  },
  sla_warning: {
    payload: SlaAlertPayload,
    summary: "80 % of an SLA target's time has passed and it is not met: the agent holding the chat and supervisors.",
    to: 'agent',
  },
  sla_breached: {
    payload: SlaAlertPayload,
    summary: "An SLA target's due time passed and it is not met: the agent holding the chat and supervisors.",
    to: 'agent',
  },
} as const;

export type PushAction = keyof typeof pushes;
export type PushPayload<A extends PushAction> = z.infer<(typeof pushes)[A]['payload']>;
