import type { Actor, ChatSummary } from '@livedesk/contracts';
import type { ConversationState } from './conversation-state.js';
import { refuse } from './refusals.js';

/**
 * The chat as lists and `get_chat` show it to agents; a chat that does not exist is not found.
 * A customer's view leaves the tags out (`forAudience`).
 */
export function toChatSummary(state: ConversationState): ChatSummary {
  if (state.status === 'none') throw refuse.chatNotFound();
  return {
    chat_id: state.chatId,
    customer_id: state.customerId,
    group_id: state.groupId,
    channel: state.channel,
    status: state.status,
    assigned_agent_id: state.assignedAgentId,
    agent_ids: [...state.agentIds],
    ...(state.page === undefined ? {} : { page: state.page }),
    tags: [...state.tags],
    started_at: state.startedAt.toISOString(),
    updated_at: state.updatedAt.toISOString(),
    version: state.version,
  };
}

/** The summary as the actor may see it: a customer never sees the chat's tags. */
export function forAudience(summary: ChatSummary, actor: Actor): ChatSummary {
  if (actor.kind !== 'customer' || summary.tags === undefined) return summary;
  const customerView = { ...summary };
  delete customerView.tags;
  return customerView;
}
