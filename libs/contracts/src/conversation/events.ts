import { z } from 'zod';
import { AttachmentRef, Author, Id } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';

export const Channel = z.enum(['chat', 'messaging']);
export type Channel = z.infer<typeof Channel>;

/** How urgent a conversation is: SLA policies match on it (metrics.md, SLA); `normal` until set. */
export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export type Priority = z.infer<typeof Priority>;

export const PageContext = z.object({
  url: z.string().max(2048).optional(),
  title: z.string().max(512).optional(),
  referrer: z.string().max(2048).optional(),
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
      text: z.string().max(16_384),
      client_id: z.string().max(128).optional(),
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
      note: z.string().max(2048).optional(),
    }),
  ),
  MessagesSeen: defineEvent('MessagesSeen', z.object({ by: Author, seen_up_to: Id })),
  ConversationRated: defineEvent(
    'ConversationRated',
    z.object({ score: z.number().int().min(1).max(5), comment: z.string().max(2048).optional() }),
  ),
  ConversationResolved: defineEvent('ConversationResolved', z.object({ by: Author })),
  ConversationClosed: defineEvent('ConversationClosed', z.object({ by: Author })),
  ConversationReopened: defineEvent('ConversationReopened', z.object({ by: Author })),
  ConversationMissed: defineEvent(
    'ConversationMissed',
    z.object({ reason: z.enum(['left_in_queue', 'unanswered', 'no_agents']) }),
  ),
  TagAdded: defineEvent('TagAdded', z.object({ tag: z.string().min(1).max(64) })),
  /** The customer's 0–10 answer to "how likely are you to recommend us" (NPS, metrics.md). */
  NpsAnswered: defineEvent(
    'NpsAnswered',
    z.object({ score: z.number().int().min(0).max(10), comment: z.string().max(2048).optional() }),
  ),
  /** The company's site reports that the conversation led to a goal (purchase, signup …): metrics' conversion. */
  GoalReported: defineEvent(
    'GoalReported',
    z.object({ goal: z.string().min(1).max(128), value: z.number().finite().nonnegative().optional() }),
  ),
  /** An agent, bot or supervisor sets how urgent the conversation is. */
  PrioritySet: defineEvent('PrioritySet', z.object({ priority: Priority })),
  /** No agent could take the chat; the customer left a message for later (a ticket, once ticketing runs). */
  OfflineMessageLeft: defineEvent(
    'OfflineMessageLeft',
    z.object({ email: z.email().max(320), name: z.string().max(255).optional(), text: z.string().min(1).max(16_384) }),
  ),
} as const;

export type ConversationEvent = EventUnion<typeof conversationEvents>;
