import { z } from 'zod';
import { Id, SafeString, Timestamp } from '../common.js';
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
  started_at: Timestamp,
  /**
   * The time and stream version of the chat's last event in `get_chat`; in lists
   * (`list_chats`, `login`) those of its last change of state (start, assignment, transfer,
   * end), since messages do not rewrite the list's row.
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
});
export type ChatEventView = z.infer<typeof ChatEventView>;
