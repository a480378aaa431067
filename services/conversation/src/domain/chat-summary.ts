import type { ChatSummary } from '@livedesk/contracts';
import type { ConversationState } from './conversation-state.js';
import { refuse } from './refusals.js';

/** The chat as lists and `get_chat` show it; a chat that does not exist is not found. */
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
    started_at: state.startedAt.toISOString(),
    updated_at: state.updatedAt.toISOString(),
    version: state.version,
  };
}
