import { z } from 'zod';
import { Actor, AgentKind } from '../actor.js';
import { AttachmentRef, Id, SafeString } from '../common.js';
import {
  CHAT_PAGE_DEFAULT_EVENTS,
  ChatEventView,
  ChatPage,
  ChatPageLimit,
  ChatStatus,
  ChatSummary,
} from './chat-view.js';
import { SurveyAnswers, SurveyQuestions } from '../organization/survey.js';
import {
  Channel,
  GoalValue,
  MAX_CHAT_INACTIVITY_SECONDS,
  MESSAGE_TEXT_MAX_CHARS,
  PageContext,
  Priority,
  conversationEvents,
} from './events.js';
import {
  SEARCH_PAGE_DEFAULT_HITS,
  SEARCH_PAGE_MAX_HITS,
  SEARCH_QUERY_MAX_CHARS,
  SearchFilters,
  SearchPage,
} from './search.js';

/**
 * Commands to the conversation service, over NATS request/reply on
 * `<prefix>.cmd.conversation.<name>`. Every command names its organization and actor and
 * carries a `command_id`: the ids of the events it appends are derived from it, so a command
 * retried after a timeout appends nothing new.
 */
const base = {
  command_id: z.uuid(),
  organization_id: Id,
  actor: Actor,
  /**
   * The gateway connection the command came from. Stored in the events' metadata so that the
   * push fan-out does not echo a message back to the socket that sent it (that socket has it
   * in its response already); the sender's other sockets still get the push.
   */
  origin: SafeString.min(1).max(64).optional(),
  /**
   * When the caller stops waiting (epoch milliseconds). A command still queued then is dropped
   * unapplied: an overloaded service spends nothing on answers nobody reads, and a caller's
   * timeout means "not stored" in all but a last-moment race (client ids make a retry safe).
   */
  expires_at: z.number().int().positive().optional(),
};
const onChat = { ...base, chat_id: Id };

export const NewMessage = z.object({
  text: SafeString.min(1).max(MESSAGE_TEXT_MAX_CHARS),
  client_id: SafeString.min(1).max(128).optional(),
  attachments: z.array(AttachmentRef).max(20).default([]),
  /** `agents`: an internal note (InternalNotePosted), which only agents see; absent: a message to everyone. */
  visibility: z.literal('agents').optional(),
});
export type NewMessage = z.infer<typeof NewMessage>;

export const TransferTarget = z.union([
  z.object({ agent_id: Id, agent_kind: AgentKind }).strict(),
  z.object({ group_id: Id }).strict(),
]);
export type TransferTarget = z.infer<typeof TransferTarget>;

const VersionReply = z.object({ chat_id: Id, version: z.number().int().positive() });
const TagsReply = VersionReply.extend({ tags: z.array(SafeString) });

export const conversationCommands = {
  start: {
    request: z.object({
      ...onChat,
      channel: Channel,
      group_id: Id,
      page: PageContext.optional(),
      message: NewMessage.omit({ visibility: true }).optional(),
    }),
    reply: VersionReply,
  },
  post_message: {
    request: z.object({ ...onChat, message: NewMessage }),
    reply: z.object({
      chat_id: Id,
      version: z.number().int().positive(),
      event: ChatEventView,
      duplicate: z.boolean(),
    }),
  },
  join: { request: z.object(onChat), reply: VersionReply },
  assign: { request: z.object({ ...onChat, agent_id: Id, agent_kind: AgentKind }), reply: VersionReply },
  transfer: {
    request: z.object({ ...onChat, target: TransferTarget, note: SafeString.max(2048).optional() }),
    reply: VersionReply,
  },
  mark_seen: { request: z.object({ ...onChat, seen_up_to: Id }), reply: VersionReply },
  rate: {
    request: z.object({ ...onChat, score: z.number().int().min(1).max(5), comment: SafeString.max(2048).optional() }),
    reply: VersionReply,
  },
  resolve: { request: z.object(onChat), reply: VersionReply },
  close: { request: z.object(onChat), reply: VersionReply },
  /**
   * A service closes a queued chat whose customer has had no socket for CHAT_ABANDON_SECONDS:
   * missed (left_in_queue), then closed with reason `customer_left`. Refused once the chat is no
   * longer queued.
   */
  close_abandoned: { request: z.object(onChat), reply: VersionReply },
  /**
   * A service closes an active live chat with no message from either side for
   * `inactivity_seconds` (the organization's `chat_inactivity_seconds`): closed with reason
   * `inactive`. Refused for the messaging channel, for a chat not active, and (`not_inactive`)
   * when a message or assignment came later than that.
   */
  close_inactive: {
    request: z.object({ ...onChat, inactivity_seconds: z.number().int().min(1).max(MAX_CHAT_INACTIVITY_SECONDS) }),
    reply: VersionReply,
  },
  mark_missed: {
    request: z.object({ ...onChat, reason: conversationEvents.ConversationMissed.schema.shape.reason }),
    reply: VersionReply,
  },
  /** The reply holds the chat's tags after the command (`tag_chat`'s answer). */
  add_tag: { request: z.object({ ...onChat, tag: SafeString.min(1).max(64) }), reply: TagsReply },
  remove_tag: { request: z.object({ ...onChat, tag: SafeString.min(1).max(64) }), reply: TagsReply },
  answer_nps: {
    request: z.object({ ...onChat, score: z.number().int().min(0).max(10), comment: SafeString.max(2048).optional() }),
    reply: VersionReply,
  },
  /**
   * `questions`: the organization's own survey questions as the caller read them from the
   * directory (the gateway); the conversation service checks the answers against them.
   */
  answer_survey: {
    request: z.object({ ...onChat, answers: SurveyAnswers, questions: SurveyQuestions }),
    reply: VersionReply,
  },
  report_goal: {
    request: z.object({ ...onChat, goal: SafeString.min(1).max(128), value: GoalValue.optional() }),
    reply: VersionReply,
  },
  set_priority: { request: z.object({ ...onChat, priority: Priority }), reply: VersionReply },
  leave_message: {
    request: z.object({
      ...onChat,
      email: z.email().max(320),
      name: SafeString.max(255).optional(),
      text: SafeString.min(1).max(MESSAGE_TEXT_MAX_CHARS),
    }),
    reply: VersionReply,
  },
} as const;

/** Queries answer from the conversation service's own store; they append nothing. */
export const conversationQueries = {
  get: {
    request: z.object({
      organization_id: Id,
      actor: Actor,
      chat_id: Id,
      since_version: z.number().int().nonnegative().optional(),
      limit: ChatPageLimit.default(CHAT_PAGE_DEFAULT_EVENTS),
    }),
    reply: ChatPage,
  },
  list: {
    request: z.object({
      organization_id: Id,
      actor: Actor,
      filter: z.enum(['mine', 'queued', 'all', 'active']).default('mine'),
      /** Only chats in these states (a login lists the active ones). */
      statuses: z.array(ChatStatus).min(1).optional(),
      /** Only chats that carry this tag (agents; a customer's list ignores tags). */
      tag: SafeString.min(1).max(64).optional(),
      cursor: SafeString.max(256).optional(),
      limit: z.number().int().min(1).max(100).default(20),
    }),
    reply: z.object({ chats: z.array(ChatSummary), next_cursor: SafeString.nullable() }),
  },
  /**
   * A customer's chats that the actor (an agent) may read, newest first, each with a preview: the
   * start of its first message (`get_customer`).
   */
  customer_chats: {
    request: z.object({
      organization_id: Id,
      actor: Actor,
      customer_id: Id,
      limit: z.number().int().min(1).max(50).default(20),
    }),
    reply: z.object({ chats: z.array(ChatSummary.extend({ preview: SafeString.nullable() })) }),
  },
  /**
   * `search_chats`: the messages and internal notes of the organization's chats the actor may
   * read (agents only), newest first, matching the words of `query` (all of them; "quoted
   * phrases", `or` and `-word` as in web searches) in the organization's `search_language`.
   */
  search: {
    request: z.object({
      organization_id: Id,
      actor: Actor,
      query: SafeString.min(1).max(SEARCH_QUERY_MAX_CHARS).optional(),
      filters: SearchFilters.optional(),
      cursor: SafeString.max(256).optional(),
      limit: z.number().int().min(1).max(SEARCH_PAGE_MAX_HITS).default(SEARCH_PAGE_DEFAULT_HITS),
    }),
    reply: SearchPage,
  },
} as const;

export type ConversationCommandName = keyof typeof conversationCommands;
export type ConversationQueryName = keyof typeof conversationQueries;
export type ConversationCommand<N extends ConversationCommandName> = z.infer<
  (typeof conversationCommands)[N]['request']
>;
export type ConversationCommandReply<N extends ConversationCommandName> = z.infer<
  (typeof conversationCommands)[N]['reply']
>;
export type ConversationQuery<N extends ConversationQueryName> = z.infer<(typeof conversationQueries)[N]['request']>;
export type ConversationQueryReply<N extends ConversationQueryName> = z.infer<(typeof conversationQueries)[N]['reply']>;

/** The NATS pattern of a conversation command or query (`cmd.conversation.<name>`; the deployment prefix is added by the transport). */
export function conversationPattern(name: ConversationCommandName | ConversationQueryName): string {
  return `cmd.conversation.${name}`;
}
