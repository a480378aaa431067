import type { ChatEventView } from './chat-view.js';

export type ChatAudience = 'customer' | 'agent';

export interface StoredChatEvent {
  chatId: string;
  version: number;
  eventId: string;
  type: string;
  occurredAt: Date | string;
  data: unknown;
}

/**
 * Events that only agents see: internal notes and the team's own bookkeeping (tags, priority,
 * the goals the site reports). A customer's reader skips their versions (get_chat's
 * `next_since_version` covers them).
 */
const AGENT_ONLY = new Set(['InternalNotePosted', 'TagAdded', 'TagRemoved', 'PrioritySet', 'GoalReported']);
/** Fields customers never see: a transfer note is written for the receiving agent. */
const AGENT_ONLY_FIELDS: Record<string, readonly string[]> = { ConversationTransferred: ['note'] };

/**
 * One stored conversation event as a client sees it, or null when the audience must not see
 * it. `get_chat` (conversation service) and the pushes (gateway) both go through here, so a
 * customer reads the same thing live and after a reconnect.
 */
export function toChatEventView(event: StoredChatEvent, audience: ChatAudience): ChatEventView | null {
  if (audience === 'customer' && AGENT_ONLY.has(event.type)) return null;
  const data = { ...(event.data as Record<string, unknown>) };
  if (audience === 'customer') for (const field of AGENT_ONLY_FIELDS[event.type] ?? []) delete data[field];
  return {
    chat_id: event.chatId,
    version: event.version,
    event_id: event.eventId,
    type: event.type,
    created_at: typeof event.occurredAt === 'string' ? event.occurredAt : event.occurredAt.toISOString(),
    data,
  };
}
