import { isSupervisor, type ConversationEvent } from '@livedesk/contracts';
import type { CloseCommand, LeaveMessageCommand, MarkMissedCommand, ResolveCommand } from './conversation-commands.js';
import type { StartedConversation } from './conversation-state.js';
import { hasEnded, isAssignedAgent, isChatCustomer } from './participants.js';
import { authorOf } from './read-rules.js';
import { refuse } from './refusals.js';

/**
 * Ends the cycle as resolved. The assigned agent resolves their chat; supervisors, admins and
 * services may resolve any open one, a queued one included (an agent who is not assigned never
 * passes the check, so only they can resolve a chat nobody has taken).
 */
export function decideResolve(command: ResolveCommand, state: StartedConversation): ConversationEvent[] {
  const { actor } = command;
  if (hasEnded(state)) throw refuse.chatInactive();
  if (actor.kind !== 'system' && !isSupervisor(actor) && !isAssignedAgent(state, actor)) {
    throw refuse.notAssigned();
  }
  return [{ type: 'ConversationResolved', data: { by: authorOf(actor) } }];
}

/** The customer leaves (or a service closes the chat for them, e.g. after the widget went away). */
export function decideClose(command: CloseCommand, state: StartedConversation): ConversationEvent[] {
  const { actor } = command;
  if (actor.kind !== 'system' && !isChatCustomer(state, actor)) throw refuse.notParticipant();
  if (state.status === 'closed') throw refuse.chatClosed();
  const closed: ConversationEvent = { type: 'ConversationClosed', data: { by: authorOf(actor) } };
  // Leaving while still queued ends the cycle as missed, reason left_in_queue (docs/metrics.md,
  // `missed`); the miss comes first so that the cycle ends there, not at the close.
  if (state.status === 'queued') return [{ type: 'ConversationMissed', data: { reason: 'left_in_queue' } }, closed];
  return [closed];
}

/** Routing declares an open cycle missed: unanswered by its agent, or no agent could take it. */
export function decideMarkMissed(command: MarkMissedCommand, state: StartedConversation): ConversationEvent[] {
  if (command.actor.kind !== 'system') throw refuse.notAllowed('Only a service can mark a chat missed.');
  if (state.status !== 'queued' && state.status !== 'active') throw refuse.chatInactive();
  return [{ type: 'ConversationMissed', data: { reason: command.reason } }];
}

/**
 * Nobody could take the chat and the customer leaves a message instead (docs/metrics.md, `missed`
 * with reason `no_agents`). Only while the chat waits in the queue: once an agent has it,
 * the customer simply writes.
 */
export function decideLeaveMessage(command: LeaveMessageCommand, state: StartedConversation): ConversationEvent[] {
  const { actor } = command;
  if (!isChatCustomer(state, actor)) throw refuse.notParticipant();
  if (state.status !== 'queued') throw refuse.chatInactive();
  return [
    { type: 'OfflineMessageLeft', data: { email: command.email, ...(command.name ? { name: command.name } : {}), text: command.text } },
    { type: 'ConversationMissed', data: { reason: 'no_agents' } },
    { type: 'ConversationClosed', data: { by: authorOf(actor) } },
  ];
}
