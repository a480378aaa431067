import type { Actor } from '@livedesk/contracts';
import type { StartedConversation } from './conversation-state.js';

export function isChatCustomer(state: StartedConversation, actor: Actor): boolean {
  return actor.kind === 'customer' && actor.id === state.customerId;
}

/** The agent (human or bot) serving the current cycle. */
export function isAssignedAgent(state: StartedConversation, actor: Actor): boolean {
  return actor.kind === 'agent' && actor.id === state.assignedAgentId;
}

/** Resolved, closed or missed: the cycle is over and nobody serves the chat. */
export function hasEnded(state: StartedConversation): boolean {
  return state.status === 'resolved' || state.status === 'closed' || state.status === 'missed';
}
