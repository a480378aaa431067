import { z } from 'zod';
import { Id, SafeString, Timestamp } from '../common.js';
import { AgentPublicProfile } from '../protocol/agent-profile.js';
import { Channel, PageContext } from './events.js';

export const ChatStatus = z.enum(['queued', 'active', 'resolved', 'closed', 'missed']);
export type ChatStatus = z.infer<typeof ChatStatus>;

/** A chat as lists and `get_chat` show it. */
export const ChatSummary = z.object({
  chat_id: Id,
  customer_id: Id,
  group_id: Id,
  channel: Channel,
  status: ChatStatus,
  assigned_agent_id: Id.nullable(),
  /** Every agent who was ever assigned, oldest first. */
  agent_ids: z.array(Id),
  page: PageContext.optional(),
  tags: z
    .array(SafeString)
    .optional()
    .describe("Agents only: the chat's tags (tag_chat), in the order they were added; absent in a customer's view."),
  started_at: Timestamp,
  /**
   * The time and stream version of the chat's last event in `get_chat`; in lists
   * (`list_chats`, `login`) those of its last change of state (start, assignment, transfer,
   * end, tags), since messages do not rewrite the list's row.
   */
  updated_at: Timestamp,
  version: z.number().int().positive(),
});
export type ChatSummary = z.infer<typeof ChatSummary>;

/**
 * One stored event of a chat, as clients see it: the event's type and data with its stream
 * `version`, the number a reconnecting client passes back as `since_version`.
 */
export const ChatEventView = z.object({
  chat_id: Id,
  version: z.number().int().positive(),
  event_id: z.uuid(),
  type: SafeString,
  created_at: Timestamp,
  data: z.record(z.string(), z.unknown()),
  agent: AgentPublicProfile.optional().describe(
    "Customers' events only (extension): the public profile of the agent the event is about (who was assigned, who wrote the message, whom the chat was transferred to), as it is now; absent when the agent no longer exists.",
  ),
});
export type ChatEventView = z.infer<typeof ChatEventView>;

/** Events a `get_chat` page holds when the request names no `limit`. */
export const CHAT_PAGE_DEFAULT_EVENTS = 100;
/** The most events one `get_chat` page holds (`limit` may not exceed it). */
export const CHAT_PAGE_MAX_EVENTS = 500;
/**
 * The serialized size (UTF-8 bytes of the events' JSON) a `get_chat` page stops before: a page
 * holds at least one event and adds no event that would take it past this budget. One event is
 * bounded (a message's text is at most 16,384 characters), so a reply stays under 512 KiB, far
 * from NATS' 1 MiB `max_payload` however long the chat grows.
 */
export const CHAT_PAGE_MAX_BYTES = 262_144;

export const ChatPageLimit = z
  .number()
  .int()
  .min(1)
  .max(CHAT_PAGE_MAX_EVENTS)
  .describe(
    `The most events of this page (default ${CHAT_PAGE_DEFAULT_EVENTS}, at most ${CHAT_PAGE_MAX_EVENTS}); a page also stops before ${CHAT_PAGE_MAX_BYTES} bytes of events.`,
  );

/** `get_chat`'s answer: the chat and one page of its events, oldest first. */
export const ChatPage = z.object({
  chat: ChatSummary,
  events: z.array(ChatEventView),
  has_more: z.boolean().describe('More events follow this page: ask again with since_version = next_since_version.'),
  next_since_version: z
    .number()
    .int()
    .nonnegative()
    .describe(
      'The stream version this page covers up to (events hidden from the reader included): the since_version of the next page.',
    ),
});
export type ChatPage = z.infer<typeof ChatPage>;
