import { isSupervisor, type ConversationEvent } from '@livedesk/contracts';
import { assignedBy } from './assigned-by.js';
import type { TransferCommand } from './conversation-commands.js';
import type { StartedConversation } from './conversation-state.js';
import { hasEnded, isAssignedAgent } from './participants.js';
import { refuse } from './refusals.js';

/**
 * Moves a chat to another agent or back to a group's queue. The assigned agent transfers their
 * own chat; supervisors, admins and routing may transfer any open chat, a queued one included
 * (an agent who is not assigned never passes the check, so a queued chat is theirs only).
 * Routing's transfers are the automatic ones (the agent did not answer in time); metrics
 * count manual and automatic transfers apart.
 */
export function decideTransfer(command: TransferCommand, state: StartedConversation): ConversationEvent[] {
  const { actor, target } = command;
  if (hasEnded(state)) throw refuse.chatInactive();
  if (actor.kind !== 'system' && !isSupervisor(actor) && !isAssignedAgent(state, actor)) {
    throw refuse.notAssigned();
  }
  const common = {
    ...(state.assignedAgentId === null ? {} : { from_agent_id: state.assignedAgentId }),
    reason: actor.kind === 'system' ? ('auto' as const) : ('manual' as const),
    ...(command.note === undefined ? {} : { note: command.note }),
  };
  if ('groupId' in target) {
    return [
      { type: 'ConversationTransferred', data: { ...common, to_group_id: target.groupId } },
      { type: 'ConversationQueued', data: { group_id: target.groupId } },
    ];
  }
  if (target.agentId === state.assignedAgentId) throw refuse.sameAgent();
  return [
    { type: 'ConversationTransferred', data: { ...common, to_agent_id: target.agentId } },
    {
      type: 'AgentAssigned',
      data: { agent_id: target.agentId, agent_kind: target.agentKind, by: assignedBy(actor) },
    },
  ];
}
