import type { AgentKind, ConversationEvent } from '@livedesk/contracts';
import { assignedBy } from './assigned-by.js';
import type { AssignCommand, JoinCommand } from './conversation-commands.js';
import type { StartedConversation } from './conversation-state.js';
import { hasEnded } from './participants.js';
import { refuse } from './refusals.js';

/** An agent picks a queued chat (a supervisor or admin joining counts as a supervisor's assignment). */
export function decideJoin(command: JoinCommand, state: StartedConversation): ConversationEvent[] {
  const { actor } = command;
  if (actor.kind !== 'agent') throw refuse.notAllowed('Only an agent can join a chat.');
  return assignQueued(state, actor.id, actor.agent_kind, assignedBy(actor));
}

/** Routing hands a queued chat to the agent it chose. */
export function decideAssign(command: AssignCommand, state: StartedConversation): ConversationEvent[] {
  if (command.actor.kind !== 'system') throw refuse.notAllowed('Only the routing service can assign a chat.');
  return assignQueued(state, command.agentId, command.agentKind, 'routing');
}

/**
 * Only a queued chat can be taken. Repeating the assignment that already holds is a no-op, so
 * a retried join or a routing redelivery answers success; taking a chat someone else holds is
 * a conflict (two agents clicking "join" at once: the second one loses).
 */
function assignQueued(
  state: StartedConversation,
  agentId: string,
  agentKind: AgentKind,
  by: 'routing' | 'agent' | 'supervisor',
): ConversationEvent[] {
  if (hasEnded(state)) throw refuse.chatInactive();
  if (state.status === 'active') {
    if (state.assignedAgentId === agentId) return [];
    throw refuse.alreadyAssigned();
  }
  return [{ type: 'AgentAssigned', data: { agent_id: agentId, agent_kind: agentKind, by } }];
}
