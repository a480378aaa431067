/**
 * The frames and payloads of the public protocol (`docs/asyncapi.json`, generated from `libs/contracts`)
 * as plain TypeScript types. They mirror the zod schemas of `@livedesk/contracts` without
 * importing them, so that the published package needs no validator at run time and its
 * declarations name no private package; `bench/src/client-size/contract-compat.ts` fails the
 * build when the two drift apart.
 */

export type ErrorCode =
  | 'validation'
  | 'authentication'
  | 'authorization'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** The `error` of a failed response; `reason` names the rule (`chat_closed`, `token_expired`, …). */
export interface ProtocolErrorPayload {
  code: ErrorCode;
  message: string;
  reason?: string;
  retry_after_ms?: number;
}

export interface ResponseFrame {
  request_id: string | number | null;
  action: string | null;
  type: 'response';
  success: boolean;
  payload: unknown;
}

export interface PushFrame {
  action: string;
  type: 'push';
  payload: unknown;
}

export type ChatStatus = 'queued' | 'active' | 'resolved' | 'closed' | 'missed';

export interface ChatSummary {
  chat_id: string;
  customer_id: string;
  group_id: string;
  channel: 'chat' | 'messaging';
  status: ChatStatus;
  assigned_agent_id: string | null;
  agent_ids: string[];
  page?: { url?: string; title?: string; referrer?: string } | undefined;
  /** Agents only: the chat's tags, in the order they were added. */
  tags?: string[] | undefined;
  started_at: string;
  updated_at: string;
  version: number;
}

/** One stored event of a chat; `version` is its place in the chat's stream. */
export interface ChatEventView {
  chat_id: string;
  version: number;
  event_id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
  /** Customers' events only: the public profile of the agent the event is about (assigned, writing, transferred to). */
  agent?: AgentPublicProfile | undefined;
}

/** What a customer sees of an agent: the display name (its name when it has none) and the avatar. */
export interface AgentPublicProfile {
  display_name: string;
  avatar_url: string | null;
}

export interface ChatPage {
  chat: ChatSummary;
  events: ChatEventView[];
  has_more: boolean;
  next_since_version: number;
}

export interface VersionResponse {
  chat_id: string;
  version: number;
}

/** A file a message carries, as the message stores it: the type read from its bytes, an image's pixel size. */
export interface AttachmentRef {
  attachment_id: string;
  name: string;
  content_type: string;
  size: number;
  width?: number;
  height?: number;
}

/** An attachment as a message read from the server carries it: with a signed download URL that expires (a path on the gateway's host). */
export interface AttachmentView extends AttachmentRef {
  url: string;
}

/** A file uploaded into a chat (`uploadFile`): name its `file_id` in a message's `attachments`. */
export interface ChatFile {
  file_id: string;
  name: string;
  content_type: string;
  size: number;
  width?: number;
  height?: number;
  url: string;
}

export interface MessageEvent {
  type: 'message';
  text: string;
  client_id: string;
  /** `file_id`s of files the sender uploaded into this chat. */
  attachments?: string[];
}

/**
 * An agent's `send_event`: with `visibility: "agents"` an internal note, stored as an
 * `InternalNotePosted` event that only agents and supervisors see (never pushed or shown to
 * the customer); without it, a message to everyone.
 */
export interface AgentMessageEvent extends MessageEvent {
  visibility?: 'agents';
}

export interface Author {
  kind: 'customer' | 'agent' | 'bot' | 'system';
  id?: string;
}

export interface TokenResponse {
  token: string;
  expires_at: string;
}

export interface Visitor {
  visitor_id: string;
  url: string;
  title: string | null;
  referrer: string | null;
  last_seen_at: string;
  /** From the visitor's address (country ISO code, city); null when unknown. */
  location: { country: string; city: string | null } | null;
  /** The browser's time zone and language (`update_visit`), and the visitor's wall-clock time now. */
  time_zone: string | null;
  local_time: string | null;
  language: string | null;
}

/** `get_customer`'s answer: who the customer is, where they are now, what they asked before. */
export interface CustomerProfile {
  customer_id: string;
  name: string | null;
  email: string | null;
  external_id: string | null;
  custom_fields: Record<string, string | number | boolean>;
  visit:
    | (Visitor & { pages: { url: string; title: string | null; referrer: string | null; viewed_at: string }[] })
    | null;
  chats: (ChatSummary & { preview: string | null })[];
  tickets: {
    ticket_id: string;
    reference: string;
    subject: string;
    status: 'open' | 'pending' | 'solved' | 'spam';
    created_at: string;
    updated_at: string;
  }[];
}

/** An agent as `list_agents` answers it (transfer targets); routing's figures are null while routing does not answer. */
export interface AgentSummary {
  agent_id: string;
  name: string;
  display_name: string;
  /** The agent's picture (https, or http on the local machine), null when none is set. */
  avatar_url: string | null;
  role: 'agent' | 'supervisor' | 'admin';
  kind: 'human' | 'bot';
  group_ids: string[];
  routing_status: 'accepting' | 'not_accepting' | 'offline' | null;
  free_chat_slots: number | null;
}

/** A group as `list_groups` answers it; routing's figures are null while routing does not answer. */
export interface GroupSummary {
  group_id: string;
  name: string;
  routing: 'auto' | 'manual';
  agents_accepting: number | null;
  chats_queued: number | null;
}

/** A canned response (`#shortcut` → text), the organization's shared ones and the agent's own. */
export interface CannedResponse {
  canned_response_id: string;
  shortcut: string;
  text: string;
  scope: 'shared' | 'personal';
}

/** What `search_chats` narrows its hits to: the time a message was posted (`from` inclusive, `to` exclusive, ISO 8601) and the chat's attributes. */
export interface SearchFilters {
  from?: string;
  to?: string;
  /** Chats this agent was ever assigned to. */
  agent_id?: string;
  group_id?: string;
  /** Accepted, and ignored until chat tags are stored in the chats list. */
  tag?: string;
  status?: ChatSummary['status'];
  /** The chat's CSAT score, 1–5. */
  rating?: number;
}

/** One message or internal note `search_chats` found, newest first. */
export interface SearchHit {
  chat_id: string;
  event_id: string;
  /** The message's stream version: `get_chat` with `since_version: version - 1` starts at it. */
  version: number;
  message_id: string;
  author: Author;
  /** `agents`: an internal note, never shown to the customer. */
  visibility: 'all' | 'agents';
  /** The part of the text that matched, at most 500 characters. */
  excerpt: string;
  posted_at: string;
  chat: {
    customer_id: string;
    group_id: string;
    status: ChatSummary['status'];
    assigned_agent_id: string | null;
    started_at: string;
    rating: number | null;
  };
}

interface AboutChat {
  chat_id: string;
  version: number;
}

/** Pushes both kinds of client may receive, by action. */
export interface CommonPushes {
  incoming_event: AboutChat & { event: ChatEventView };
  chat_transferred: AboutChat & {
    from_agent_id: string | null;
    to_agent_id: string | null;
    to_group_id: string | null;
    reason: 'manual' | 'auto';
    /** To the customer only: the public profile of the agent the chat went to. */
    agent?: AgentPublicProfile | undefined;
  };
  events_seen: AboutChat & { by: Author; seen_up_to: string };
  /** docs/protocol.md, "Why a chat ends"; `closed`: by the customer. */
  chat_deactivated: AboutChat & { reason: 'resolved' | 'closed' | 'customer_left' | 'inactive' | 'missed' };
  typing_indicator: {
    chat_id: string;
    by: { kind: 'customer' | 'agent'; id: string };
    is_typing: boolean;
    preview?: string;
  };
}

export interface CustomerPushes extends CommonPushes {
  queue_position_updated: {
    chat_id: string;
    position: number;
    estimated_wait_seconds: number | null;
    agents_available: boolean;
  };
  incoming_greeting: { greeting_id: string; agent_id: string; text: string };
  ticket_reply: {
    ticket_id: string;
    reference: string;
    version: number;
    reply: { reply_id: string; author: Author; text: string; created_at: string };
  };
}

export interface SlaAlert extends AboutChat {
  cycle: number;
  target: string;
  exchange?: number;
  due_at: string;
  policy_id: string;
  group_id: string | null;
  agent_id: string | null;
}

export interface AgentPushes extends CommonPushes {
  incoming_chat: AboutChat & { chat: ChatSummary };
  /** A chat entered a group's queue; the client emits it for each chat of a `chats_queued` too. */
  chat_queued: AboutChat & { group_id: string };
  /** The chats queued during one push period (the server coalesces queue pushes per socket). */
  chats_queued: { chats: (AboutChat & { group_id: string })[] };
  /** The chats that left the queues during one push period (taken, transferred to an agent, ended). */
  chats_dequeued: { chats: AboutChat[] };
  visitor_updated: Visitor;
  routing_status_set: { agent_id: string; status: 'accepting' | 'not_accepting' | 'offline' };
  ticket_created: { ticket_id: string; version: number; ticket: Record<string, unknown> };
  ticket_updated: { ticket_id: string; version: number; type: string; ticket: Record<string, unknown> };
  sla_warning: SlaAlert;
  sla_breached: SlaAlert;
  /** A tag was put on a chat the agent sees (`tag_chat`). */
  chat_tagged: AboutChat & { tag: string };
  /** A tag was taken off a chat the agent sees (`untag_chat`). */
  chat_untagged: AboutChat & { tag: string };
}

/** A chat's tags after `tag_chat` / `untag_chat`. */
export interface ChatTags {
  chat_id: string;
  version: number;
  tags: string[];
}

/** A customer's ban (`ban_customer`): until when (null: until lifted) and why. */
export interface CustomerBan {
  customer_id: string;
  banned_until: string | null;
  reason: string | null;
}

/**
 * The answers of `answer_survey`, by question id: `ces` is "how easy was it to get your issue
 * handled?", a whole number from 1 (very hard) to 7 (very easy) (`CesScore`); the organization's
 * own questions take a whole number in their range (scale), a text (text) or one of their
 * options (choice).
 */
export type SurveyAnswers = { [questionId: string]: number | string };
/** A CES answer: 1 (very hard) to 7 (very easy). */
export type CesScore = 1 | 2 | 3 | 4 | 5 | 6 | 7;

interface Action<Req, Res> {
  request: Req;
  response: Res;
}
type ChatRef = { chat_id: string };
type ListCursor = { cursor?: string; limit?: number };
type ListChatsResponse = { chats: ChatSummary[]; next_cursor: string | null };
type GetChatRequest = ChatRef & { since_version?: number; limit?: number };

/** Customer actions: request and success payloads. */
export interface CustomerActions {
  login: Action<{ token: string }, { customer_id: string; organization_id: string; chats: ChatSummary[] }>;
  start_chat: Action<
    {
      group_id?: string;
      channel?: 'chat' | 'messaging';
      message?: { text: string; client_id?: string };
      page?: { url?: string; title?: string; referrer?: string };
    },
    VersionResponse
  >;
  send_event: Action<ChatRef & { event: MessageEvent }, { chat_id: string; event: ChatEventView }>;
  send_typing: Action<ChatRef & { is_typing: boolean; preview?: string }, { chat_id: string }>;
  mark_seen: Action<ChatRef & { seen_up_to: string }, VersionResponse>;
  rate_chat: Action<ChatRef & { score: number; comment?: string }, VersionResponse>;
  close_chat: Action<ChatRef, VersionResponse>;
  answer_nps: Action<ChatRef & { score: number; comment?: string }, VersionResponse>;
  answer_survey: Action<ChatRef & { answers: SurveyAnswers }, VersionResponse>;
  report_goal: Action<ChatRef & { goal: string; value?: number }, VersionResponse>;
  list_chats: Action<ListCursor, ListChatsResponse>;
  get_chat: Action<GetChatRequest, ChatPage>;
  update_visit: Action<
    { url: string; title?: string; referrer?: string; time_zone?: string; language?: string },
    { visitor_id: string }
  >;
  leave_message: Action<
    { chat_id?: string; group_id?: string; email: string; name?: string; text: string },
    VersionResponse
  >;
  /** The chat's transcript by email (to `email`, else the customer identity's); `rate_limited` with `retry_after_ms` when asked too often. */
  request_transcript: Action<ChatRef & { email?: string }, { chat_id: string; email: string }>;
}

/** Agent actions: request and success payloads. */
export interface AgentActions {
  login: Action<
    { token: string },
    {
      agent: { agent_id: string; organization_id: string; name: string; email: string; role: string; kind: string };
      routing_status: 'accepting' | 'not_accepting' | 'offline';
      chats: ChatSummary[];
    }
  >;
  list_chats: Action<{ filter?: 'mine' | 'queued' | 'active' | 'all'; tag?: string } & ListCursor, ListChatsResponse>;
  get_chat: Action<GetChatRequest, ChatPage>;
  join_chat: Action<ChatRef, VersionResponse>;
  send_event: Action<ChatRef & { event: AgentMessageEvent }, { chat_id: string; event: ChatEventView }>;
  send_typing: Action<ChatRef & { is_typing: boolean }, { chat_id: string }>;
  mark_seen: Action<ChatRef & { seen_up_to: string }, VersionResponse>;
  transfer_chat: Action<
    ChatRef & { target: { agent_id: string } | { group_id: string }; note?: string },
    VersionResponse
  >;
  resolve_chat: Action<ChatRef, VersionResponse>;
  set_priority: Action<ChatRef & { priority: 'low' | 'normal' | 'high' | 'urgent' }, VersionResponse>;
  list_visitors: Action<{ group_id?: string }, { visitors: Visitor[] }>;
  send_greeting: Action<{ visitor_id: string; text: string }, { greeting_id: string }>;
  list_canned_responses: Action<Record<string, never>, { canned_responses: CannedResponse[] }>;
  create_ticket: Action<ChatRef & { subject?: string }, { ticket_id: string; reference: string; version: number }>;
  set_routing_status: Action<
    { status: 'accepting' | 'not_accepting' },
    { agent_id: string; status: 'accepting' | 'not_accepting' | 'offline' }
  >;
  list_agents: Action<{ group_id?: string }, { agents: AgentSummary[] }>;
  list_groups: Action<Record<string, never>, { groups: GroupSummary[] }>;
  tag_chat: Action<ChatRef & { tag: string }, ChatTags>;
  untag_chat: Action<ChatRef & { tag: string }, ChatTags>;
  ban_customer: Action<{ customer_id: string; seconds?: number; reason?: string }, CustomerBan>;
  unban_customer: Action<{ customer_id: string }, { customer_id: string; banned: false }>;
  get_customer: Action<{ customer_id: string }, CustomerProfile>;
  /** Full-text archive search; page on with `cursor: next_cursor`. */
  search_chats: Action<
    { query?: string; filters?: SearchFilters; cursor?: string; limit?: number },
    { hits: SearchHit[]; next_cursor: string | null }
  >;
}

/** What every client's action table has in common: login, get_chat and send_event. */
export interface BaseActions {
  login: Action<{ token: string }, { chats: ChatSummary[] }>;
  get_chat: Action<GetChatRequest, ChatPage>;
  send_event: Action<ChatRef & { event: MessageEvent }, { chat_id: string; event: ChatEventView }>;
}
