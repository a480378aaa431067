import { z } from 'zod';
import { AttachmentRef, Author, Id, SafeString } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';

export const Channel = z.enum(['chat', 'messaging']);
export type Channel = z.infer<typeof Channel>;

/** How urgent a conversation is: SLA policies match on it (docs/metrics.md, SLA); `normal` until set. */
export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof Priority>;

/**
 * An organization's `chat_inactivity_seconds` (docs/protocol.md): an active live chat with no
 * message from either side this long is closed as `inactive`. Default ten minutes, at most a week.
 */
export const DEFAULT_CHAT_INACTIVITY_SECONDS = 600;
export const MAX_CHAT_INACTIVITY_SECONDS = 7 * 24 * 3600;

/** The most characters (UTF-16 code units) of a message's text, a message left and a typing preview. */
export const MESSAGE_TEXT_MAX_CHARS = 16_384;

/**
 * The largest value `report_goal` accepts (an order's worth, in the site's currency units):
 * metrics sums the values of a chat's goals, and two values near Number.MAX_VALUE summed to
 * Infinity, which the projection could not store. Events stored before the bound may hold
 * larger finite values, so the event's own schema stays `finite` only.
 */
export const MAX_GOAL_VALUE = 1e12;
export const GoalValue = z.number().finite().nonnegative().max(MAX_GOAL_VALUE);

export const PageContext = z.object({
  url: SafeString.max(2048).optional(),
  title: SafeString.max(512).optional(),
  referrer: SafeString.max(2048).optional(),
});

export const conversationEvents = {
  ConversationStarted: defineEvent(
    'ConversationStarted',
    z.object({
      conversation_id: Id,
      channel: Channel,
      group_id: Id,
      customer_id: Id,
      page: PageContext.optional(),
    }),
  ),
  MessagePosted: defineEvent(
    'MessagePosted',
    z.object({
      message_id: Id,
      author: Author,
      text: SafeString.max(MESSAGE_TEXT_MAX_CHARS),
      client_id: SafeString.max(128).optional(),
      attachments: z.array(AttachmentRef).default([]),
    }),
    {
      schemaVersion: 2,
      // v1 stored `author_kind` and `author_id` flat; v2 nests them in `author`.
      upcasters: {
        1: (data) => {
          const { author_kind, author_id, ...rest } = data as Record<string, unknown>;
          return { ...rest, author: { kind: author_kind, id: author_id } };
        },
      },
    },
  ),
  /**
   * An internal note: written by an agent for the team, never shown to the customer (not pushed
   * to them, not in their `get_chat`, transcripts or exports). A separate event type rather than
   * a flag on MessagePosted, so that everything that reads messages (customer views, metrics'
   * replies, routing's first answer, transcripts) leaves notes out without having to know them.
   */
  InternalNotePosted: defineEvent(
    'InternalNotePosted',
    z.object({
      message_id: Id,
      author: Author,
      text: SafeString.max(MESSAGE_TEXT_MAX_CHARS),
      client_id: SafeString.max(128).optional(),
      attachments: z.array(AttachmentRef).default([]),
    }),
  ),
  ConversationQueued: defineEvent('ConversationQueued', z.object({ group_id: Id })),
  AgentAssigned: defineEvent(
    'AgentAssigned',
    z.object({ agent_id: Id, agent_kind: z.enum(['human', 'bot']), by: z.enum(['routing', 'agent', 'supervisor']) }),
  ),
  ConversationTransferred: defineEvent(
    'ConversationTransferred',
    z.object({
      from_agent_id: Id.optional(),
      to_agent_id: Id.optional(),
      to_group_id: Id.optional(),
      reason: z.enum(['manual', 'auto']),
      note: SafeString.max(2048).optional(),
    }),
  ),
  MessagesSeen: defineEvent('MessagesSeen', z.object({ by: Author, seen_up_to: Id })),
  ConversationRated: defineEvent(
    'ConversationRated',
    z.object({ score: z.number().int().min(1).max(5), comment: SafeString.max(2048).optional() }),
  ),
  ConversationResolved: defineEvent('ConversationResolved', z.object({ by: Author })),
  /**
   * The chat ends. `reason` is absent when its author closed it (the customer, or a service for
   * them); a service closing it by itself names why: `customer_left` (the customer had no socket
   * for CHAT_ABANDON_SECONDS while queued) or `inactive` (no message from either side for the
   * organization's `chat_inactivity_seconds` while active).
   */
  ConversationClosed: defineEvent(
    'ConversationClosed',
    z.object({ by: Author, reason: z.enum(['customer_left', 'inactive']).optional() }),
  ),
  ConversationReopened: defineEvent('ConversationReopened', z.object({ by: Author })),
  ConversationMissed: defineEvent(
    'ConversationMissed',
    z.object({ reason: z.enum(['left_in_queue', 'unanswered', 'no_agents']) }),
  ),
  /** An agent tagged the chat with one of the organization's tags (`tag_chat`); agents only. */
  TagAdded: defineEvent('TagAdded', z.object({ tag: SafeString.min(1).max(64) })),
  /** An agent took a tag off the chat (`untag_chat`); agents only. */
  TagRemoved: defineEvent('TagRemoved', z.object({ tag: SafeString.min(1).max(64) })),
  /** The customer's 0–10 answer to "how likely are you to recommend us" (NPS, docs/metrics.md). */
  NpsAnswered: defineEvent(
    'NpsAnswered',
    z.object({ score: z.number().int().min(0).max(10), comment: SafeString.max(2048).optional() }),
  ),
  /**
   * The customer's answers to the post-chat survey (`answer_survey`): `ces` 1–7 (docs/metrics.md,
   * CES) and the organization's own questions by id, checked against its `survey_questions` when
   * given. A later answer to the same question replaces the earlier one.
   */
  SurveyAnswered: defineEvent(
    'SurveyAnswered',
    z.object({ answers: z.record(SafeString.min(1).max(40), z.union([z.number().int(), SafeString.max(2000)])) }),
  ),
  /** The company's site reports that the conversation led to a goal (purchase, signup …): metrics' conversion. */
  GoalReported: defineEvent(
    'GoalReported',
    z.object({ goal: SafeString.min(1).max(128), value: z.number().finite().nonnegative().optional() }),
  ),
  /** An agent, bot or supervisor sets how urgent the conversation is. */
  PrioritySet: defineEvent('PrioritySet', z.object({ priority: Priority })),
  /** No agent could take the chat; the customer left a message for later (a ticket, once ticketing runs). */
  OfflineMessageLeft: defineEvent(
    'OfflineMessageLeft',
    z.object({
      email: z.email().max(320),
      name: SafeString.max(255).optional(),
      text: SafeString.min(1).max(MESSAGE_TEXT_MAX_CHARS),
    }),
  ),
} as const;

export type ConversationEvent = EventUnion<typeof conversationEvents>;
