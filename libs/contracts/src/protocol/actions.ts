import { z } from 'zod';
import { AgentKind, AgentRole } from '../actor.js';
import { Id, SafeString } from '../common.js';
import { CustomerCustomFields } from '../organization/directory-queries.js';
import {
  CHAT_PAGE_DEFAULT_EVENTS,
  CHAT_PAGE_MAX_BYTES,
  CHAT_PAGE_MAX_EVENTS,
  ChatEventView,
  ChatPage,
  ChatPageLimit,
  ChatSummary,
} from '../conversation/chat-view.js';
import { Channel, GoalValue, MESSAGE_TEXT_MAX_CHARS, PageContext, Priority } from '../conversation/events.js';
import { RoutingStatus } from '../agent/events.js';
import { CustomerBan } from '../customer/ban-commands.js';
import { BanReason, MAX_BAN_SECONDS } from '../customer/events.js';
import {
  SEARCH_PAGE_DEFAULT_HITS,
  SEARCH_PAGE_MAX_HITS,
  SEARCH_QUERY_MAX_CHARS,
  SearchFilters,
  SearchPage,
} from '../conversation/search.js';
import { SurveyAnswers } from '../organization/survey.js';

/**
 * The actions of docs/protocol.md: for each, the request payload and the success payload. The
 * gateway parses every request payload with these schemas; the AsyncAPI document is generated
 * from them. Unknown keys are refused (`strict`), so a misspelt field is a `validation` error
 * instead of being silently ignored.
 */
export interface ActionContract {
  request: z.ZodType;
  response: z.ZodType;
  summary: string;
}

const ChatRef = { chat_id: Id };

/** Whether the string is an IANA time zone this runtime knows (`Europe/Paris`). */
function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Whether the string is a well-formed BCP 47 language tag (`fr-CA`). */
function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

/** The browser's time zone, as `Intl.DateTimeFormat().resolvedOptions().timeZone` names it. */
export const VisitorTimeZone = SafeString.min(1)
  .max(64)
  .refine(isTimeZone, { message: 'must be an IANA time zone, e.g. Europe/Paris' });
/** The browser's language (`navigator.language`). */
export const VisitorLanguage = SafeString.min(1)
  .max(35)
  .refine(isLanguageTag, { message: 'must be a BCP 47 language tag, e.g. fr-CA' });

/** Where the visitor's address is, from the gateway's offline GeoIP database; null when it does not know. */
export const VisitorLocation = z.object({
  country: SafeString.describe('ISO 3166-1 alpha-2'),
  city: SafeString.nullable(),
});
export type VisitorLocation = z.infer<typeof VisitorLocation>;

/** A visitor as agents see them (`list_visitors`, `visitor_updated`). */
export const Visitor = z.object({
  visitor_id: Id,
  url: SafeString,
  title: SafeString.nullable(),
  referrer: SafeString.nullable(),
  last_seen_at: z.iso.datetime({ offset: true }),
  location: VisitorLocation.nullable().default(null),
  time_zone: SafeString.nullable().default(null),
  /** The visitor's wall-clock time when the answer was made (`YYYY-MM-DDTHH:mm:ss`, in `time_zone`). */
  local_time: SafeString.nullable().default(null),
  language: SafeString.nullable().default(null),
});
export type Visitor = z.infer<typeof Visitor>;
/** One page of a visit, oldest first. */
const VisitPage = z.object({
  url: SafeString,
  title: SafeString.nullable(),
  referrer: SafeString.nullable(),
  viewed_at: z.iso.datetime({ offset: true }),
});

/** `get_customer`'s answer. */
export const CustomerProfile = z.object({
  customer_id: Id,
  name: SafeString.nullable(),
  email: SafeString.nullable(),
  external_id: SafeString.nullable(),
  custom_fields: CustomerCustomFields,
  visit: Visitor.extend({
    pages: z.array(VisitPage).describe('The pages of the current visit, oldest first (the last 50).'),
  }).nullable(),
  chats: z.array(ChatSummary.extend({ preview: SafeString.nullable() })),
  tickets: z.array(
    z.object({
      ticket_id: Id,
      reference: SafeString,
      subject: SafeString,
      status: z.enum(['open', 'pending', 'solved', 'spam']),
      created_at: z.iso.datetime({ offset: true }),
      updated_at: z.iso.datetime({ offset: true }),
    }),
  ),
});
export type CustomerProfile = z.infer<typeof CustomerProfile>;

const VersionResponse = z.object({ chat_id: Id, version: z.number().int().positive() });

export const MessageEvent = z
  .object({
    type: z.literal('message'),
    text: SafeString.min(1).max(MESSAGE_TEXT_MAX_CHARS),
    client_id: SafeString.min(1).max(128),
    attachments: z
      .array(Id)
      .max(20)
      .optional()
      .describe(
        'file_id of files the sender uploaded into this chat (POST /v1/customer/files or /v1/agent/files); the message stores their name, type, size and pixel size.',
      ),
  })
  .strict();

/**
 * An agent's `send_event`: a message, or with `visibility: "agents"` an internal note that only
 * agents see. A customer's `send_event` knows no `visibility` (strict: refused as `validation`).
 */
export const AgentMessageEvent = MessageEvent.extend({
  visibility: z
    .literal('agents')
    .optional()
    .describe(
      '"agents": an internal note, never pushed or shown to the customer (InternalNotePosted); absent: a message to everyone.',
    ),
}).strict();

const Login = {
  request: z.object({ token: SafeString.min(1).max(4096) }).strict(),
};

const SendEvent = {
  request: z.object({ ...ChatRef, event: MessageEvent }).strict(),
  response: z.object({ chat_id: Id, event: ChatEventView }),
  summary: 'Posts a message; a repeat of the same client_id answers with the stored event.',
};

const AgentSendEvent = {
  request: z.object({ ...ChatRef, event: AgentMessageEvent }).strict(),
  response: z.object({ chat_id: Id, event: ChatEventView }),
  summary:
    'Posts a message, or with visibility "agents" an internal note (agents and supervisors only, in any chat the agent can read, ended ones included); a repeat of the same client_id answers with the stored event.',
};

const MarkSeen = {
  request: z.object({ ...ChatRef, seen_up_to: Id }).strict(),
  response: VersionResponse,
  summary: 'Read receipt: everything up to the given message id was seen.',
};

const GetChat = {
  request: z
    .object({ ...ChatRef, since_version: z.number().int().nonnegative().optional(), limit: ChatPageLimit.optional() })
    .strict(),
  response: ChatPage,
  summary: `The chat and one page of its events after since_version (from the first when absent), oldest first: catch-up after a reconnect. A page holds at most limit events (default ${CHAT_PAGE_DEFAULT_EVENTS}, at most ${CHAT_PAGE_MAX_EVENTS}) and stops before ${CHAT_PAGE_MAX_BYTES} bytes of events; while has_more is true, ask again with since_version = next_since_version.`,
};

const TagChatResponse = z.object({
  chat_id: Id,
  version: z
    .number()
    .int()
    .positive()
    .describe("The chat's stream version after the change (the current one when nothing changed)."),
  tags: z.array(SafeString).describe("The chat's tags now, in the order they were added."),
});

const ListCursor = { cursor: SafeString.max(256).optional(), limit: z.number().int().min(1).max(100).optional() };
const ListChatsResponse = z.object({ chats: z.array(ChatSummary), next_cursor: SafeString.nullable() });

export const customerActions = {
  login: {
    ...Login,
    response: z.object({ customer_id: Id, organization_id: Id, chats: z.array(ChatSummary) }),
    summary: 'Authenticates the connection with a customer token; answers with the chats still active.',
  },
  start_chat: {
    request: z
      .object({
        group_id: Id.optional(),
        channel: Channel.optional(),
        message: z
          .object({
            text: SafeString.min(1).max(MESSAGE_TEXT_MAX_CHARS),
            client_id: SafeString.min(1).max(128).optional(),
          })
          .strict()
          .optional(),
        page: PageContext.strict().optional(),
      })
      .strict(),
    response: VersionResponse,
    summary:
      "Opens a conversation, queued for routing; the optional message is its first. Outside the organization's business_hours: error unavailable with reason offline (no retry_after_ms), nothing opened; offer leave_message.",
  },
  send_event: SendEvent,
  send_typing: {
    request: z
      .object({ ...ChatRef, is_typing: z.boolean(), preview: SafeString.max(MESSAGE_TEXT_MAX_CHARS).optional() })
      .strict(),
    response: z.object({ chat_id: Id }),
    summary: 'Typing indicator; preview is the unsent text agents see (sneak peek). Never stored.',
  },
  mark_seen: MarkSeen,
  rate_chat: {
    request: z
      .object({ ...ChatRef, score: z.number().int().min(1).max(5), comment: SafeString.max(2048).optional() })
      .strict(),
    response: VersionResponse,
    summary: 'CSAT rating of the chat, 1 to 5.',
  },
  close_chat: {
    request: z.object(ChatRef).strict(),
    response: VersionResponse,
    summary: 'The customer ends the chat.',
  },
  answer_nps: {
    request: z
      .object({ ...ChatRef, score: z.number().int().min(0).max(10), comment: SafeString.max(2048).optional() })
      .strict(),
    response: VersionResponse,
    summary:
      'Extension: the 0–10 answer to "how likely are you to recommend us" (NPS); a new answer replaces the last.',
  },
  answer_survey: {
    request: z
      .object({
        ...ChatRef,
        answers: SurveyAnswers.describe(
          'By question id: ces, a whole number from 1 (very hard) to 7 (very easy) for "how easy was it to get your issue handled?"; and the organization\'s own survey_questions: a scale question a whole number in its range, a text question a text, a choice question one of its options',
        ),
      })
      .strict(),
    response: VersionResponse,
    summary:
      "Post-chat survey beside rate_chat: CES and the organization's own questions. An unknown question id or a value out of range is refused (validation) and stores nothing; a later answer to a question replaces the earlier one.",
  },
  report_goal: {
    request: z.object({ ...ChatRef, goal: SafeString.min(1).max(128), value: GoalValue.optional() }).strict(),
    response: VersionResponse,
    summary:
      'Extension: the site reports a goal the chat led to (purchase, signup …), for conversion; a goal reported again is stored once.',
  },
  list_chats: {
    request: z.object(ListCursor).strict(),
    response: ListChatsResponse,
    summary: "The customer's chats, newest first.",
  },
  get_chat: GetChat,
  update_visit: {
    request: z
      .object({
        url: SafeString.min(1).max(2048),
        title: SafeString.max(512).optional(),
        referrer: SafeString.max(2048).optional(),
        time_zone: VisitorTimeZone.optional(),
        language: VisitorLanguage.optional(),
      })
      .strict(),
    response: z.object({ visitor_id: Id }),
    summary:
      "Page tracking: the page the visitor is on, with the browser's time zone and language, shown to agents (visitor_updated) with the location of the visitor's address.",
  },
  leave_message: {
    request: z
      .object({
        chat_id: Id.optional(),
        group_id: Id.optional(),
        email: z.email().max(320),
        name: SafeString.max(255).optional(),
        text: SafeString.min(1).max(MESSAGE_TEXT_MAX_CHARS),
      })
      .strict(),
    response: VersionResponse,
    summary:
      'When no agent can take the chat, or outside business hours: leaves a message, which becomes a ticket. Ends the queued chat given, or opens one for it (at any hour); the chat counts as missed (no_agents).',
  },
  request_transcript: {
    request: z.object({ ...ChatRef, email: z.email().max(320).optional() }).strict(),
    response: z.object({ chat_id: Id, email: SafeString }),
    summary:
      "Emails the chat's transcript (its messages in order, never the agents' internal notes) to email, or to the email of the customer's signed identity when absent (refused as validation when there is none). Only the customer's own chats (another chat answers not_found); at most 3 per chat an hour and 10 per customer a day, then rate_limited.",
  },
} as const satisfies Record<string, ActionContract>;

export const agentActions = {
  login: {
    ...Login,
    response: z.object({
      agent: z.object({
        agent_id: Id,
        organization_id: Id,
        name: SafeString,
        email: SafeString,
        role: AgentRole,
        kind: AgentKind,
      }),
      routing_status: RoutingStatus,
      chats: z.array(ChatSummary),
    }),
    summary:
      'Authenticates the connection with an agent token; answers with the agent, its routing status and its chats.',
  },
  get_customer: {
    request: z.object({ customer_id: Id }).strict(),
    response: CustomerProfile,
    summary:
      "Who the customer is: the profile of the identity the site signed (name, email, custom fields; null for an anonymous visitor), the current visit (pages, location, local time, language; null when they are not on the site), and their earlier chats this agent may open and their tickets, newest first. Another organization's customer is not_found.",
  },
  list_chats: {
    request: z
      .object({
        filter: z.enum(['mine', 'queued', 'active', 'all']).optional(),
        tag: SafeString.min(1).max(64).optional().describe('Only the chats that carry this tag (tag_chat).'),
        ...ListCursor,
      })
      .strict(),
    response: ListChatsResponse,
    summary:
      'Chats with their state and tags: mine (default), queued, or active / all (supervisors); tag keeps the chats carrying it.',
  },
  get_chat: GetChat,
  join_chat: {
    request: z.object(ChatRef).strict(),
    response: VersionResponse,
    summary: 'Takes a queued chat (manual routing).',
  },
  send_event: AgentSendEvent,
  send_typing: {
    request: z.object({ ...ChatRef, is_typing: z.boolean() }).strict(),
    response: z.object({ chat_id: Id }),
    summary: 'Typing indicator for the customer. Never stored.',
  },
  mark_seen: MarkSeen,
  transfer_chat: {
    request: z
      .object({
        ...ChatRef,
        target: z.union([z.object({ agent_id: Id }).strict(), z.object({ group_id: Id }).strict()]),
        note: SafeString.max(2048).optional(),
      })
      .strict(),
    response: VersionResponse,
    summary: 'Hands the chat to another agent or back to a group queue; the receiver sees the whole transcript.',
  },
  resolve_chat: {
    request: z.object(ChatRef).strict(),
    response: VersionResponse,
    summary: 'Ends the chat as resolved.',
  },
  set_priority: {
    request: z.object({ ...ChatRef, priority: Priority }).strict(),
    response: VersionResponse,
    summary: 'Extension: how urgent an open chat is (low, normal, high, urgent); SLA policies match on it.',
  },
  list_visitors: {
    request: z.object({ group_id: Id.optional() }).strict(),
    response: z.object({ visitors: z.array(Visitor) }),
    summary: 'Visitors on the site now (seen in the last 5 minutes): page, referrer, last seen.',
  },
  send_greeting: {
    request: z.object({ visitor_id: Id, text: SafeString.min(1).max(2048) }).strict(),
    response: z.object({ greeting_id: Id }),
    summary:
      'A proactive invitation to chat, pushed to the visitor (incoming_greeting). Not stored: it is not a reply.',
  },
  list_canned_responses: {
    request: z.object({}).strict(),
    response: z.object({
      canned_responses: z.array(
        z.object({
          canned_response_id: Id,
          shortcut: SafeString,
          text: SafeString,
          scope: z.enum(['shared', 'personal']),
        }),
      ),
    }),
    summary: "The organization's shared canned responses and the agent's own (`#shortcut` → text).",
  },
  create_ticket: {
    request: z.object({ ...ChatRef, subject: SafeString.min(1).max(512).optional() }).strict(),
    response: z.object({ ticket_id: Id, reference: SafeString, version: z.number().int().positive() }),
    summary:
      "Opens a ticket from a chat the agent may read, with an excerpt of the chat's transcript (the newest messages, `transcript_truncated` when older ones were left out; the chat's id and `chat_version` lead to the rest); the customer is its requester. A repeat for the same chat answers the same ticket.",
  },
  set_routing_status: {
    request: z.object({ status: z.enum(['accepting', 'not_accepting']) }).strict(),
    response: z.object({ agent_id: Id, status: RoutingStatus }),
    summary: 'Accepting agents get chats routed to them; not_accepting keeps the current chats.',
  },
  list_agents: {
    request: z.object({ group_id: Id.optional() }).strict(),
    response: z.object({
      agents: z.array(
        z.object({
          agent_id: Id,
          name: SafeString,
          display_name: SafeString,
          avatar_url: SafeString.nullable(),
          role: AgentRole,
          kind: AgentKind,
          group_ids: z.array(Id),
          routing_status: RoutingStatus.nullable(),
          free_chat_slots: z.number().int().nonnegative().nullable(),
        }),
      ),
    }),
    summary:
      "The organization's enabled agents (of one group with group_id), with their routing status and free chat slots as routing counts them, for choosing a transfer target. routing_status and free_chat_slots are null while the routing service does not answer (the directory part still comes). A group_id of no group of the organization is not_found.",
  },
  list_groups: {
    request: z.object({}).strict(),
    response: z.object({
      groups: z.array(
        z.object({
          group_id: Id,
          name: SafeString,
          routing: z.enum(['auto', 'manual']),
          agents_accepting: z.number().int().nonnegative().nullable(),
          chats_queued: z.number().int().nonnegative().nullable(),
        }),
      ),
    }),
    summary:
      "The organization's groups with their routing mode, how many members are accepting and how many chats wait in their queue (both null while the routing service does not answer).",
  },
  tag_chat: {
    request: z.object({ ...ChatRef, tag: SafeString.min(1).max(64) }).strict(),
    response: TagChatResponse,
    summary:
      "Tags the chat with a tag of the organization's list (a tag not on it: not_found, reason unknown_tag). The assigned agent, supervisors and admins, and the chat's last agent once it ended (wrap-up). A tag the chat has already stores nothing. Agents who see the chat get chat_tagged; the customer never sees tags.",
  },
  untag_chat: {
    request: z.object({ ...ChatRef, tag: SafeString.min(1).max(64) }).strict(),
    response: TagChatResponse,
    summary:
      "Takes a tag off the chat, by the same agents as tag_chat; a tag deleted from the organization's list since can still be taken off. A tag the chat does not have stores nothing (but one that is neither on the chat nor on the list: not_found, reason unknown_tag). Agents who see the chat get chat_untagged.",
  },
  ban_customer: {
    request: z
      .object({
        customer_id: Id,
        seconds: z
          .number()
          .int()
          .min(1)
          .max(MAX_BAN_SECONDS)
          .optional()
          .describe('How long the ban lasts; absent: until unban_customer.'),
        reason: BanReason.optional(),
      })
      .strict(),
    response: CustomerBan,
    summary:
      "Supervisors and admins: bans a customer of the organization. Their open sockets are closed (code 4004); until the ban ends (after seconds, by itself, or unban_customer) their token requests, login and start_chat answer authorization with reason banned. A new ban replaces the one in force. Another organization's customer is not_found.",
  },
  unban_customer: {
    request: z.object({ customer_id: Id }).strict(),
    response: z.object({ customer_id: Id, banned: z.literal(false) }),
    summary:
      'Supervisors and admins: lifts the ban of a customer of the organization; a customer with no ban in force stays as they are.',
  },
  search_chats: {
    request: z
      .object({
        query: SafeString.min(1).max(SEARCH_QUERY_MAX_CHARS).optional(),
        filters: SearchFilters.optional(),
        cursor: SafeString.max(256).optional(),
        limit: z.number().int().min(1).max(SEARCH_PAGE_MAX_HITS).optional(),
      })
      .strict(),
    response: SearchPage,
    summary: `Full-text archive search over the messages and internal notes of the organization's chats the agent may read (supervisors: all; agents: the chats they were ever assigned to and the queued ones), newest first. query matches all its words in the organization's search_language ("quoted phrase", or, -word as in web searches); without it, the filters alone. A page holds at most limit hits (default ${SEARCH_PAGE_DEFAULT_HITS}, at most ${SEARCH_PAGE_MAX_HITS}); ask again with cursor = next_cursor for the next.`,
  },
} as const satisfies Record<string, ActionContract>;

export type CustomerAction = keyof typeof customerActions;
export type AgentAction = keyof typeof agentActions;
export type ActionRequest<C extends Record<string, ActionContract>, A extends keyof C> = z.infer<C[A]['request']>;
export type ActionResponse<C extends Record<string, ActionContract>, A extends keyof C> = z.infer<C[A]['response']>;
