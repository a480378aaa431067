import { isSupervisor, type ConversationEvent } from '@livedesk/contracts';
import type {
  CloseAbandonedCommand,
  CloseCommand,
  CloseInactiveCommand,
  LeaveMessageCommand,
  MarkMissedCommand,
  ResolveCommand,
} from './conversation-commands.js';
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

/**
 * The customer left the queue without closing the chat (no socket for CHAT_ABANDON_SECONDS, as
 * routing tells from the gateways' reports): the cycle ends as missed, reason left_in_queue
 * (docs/metrics.md), then the chat is closed with reason `customer_left`. Only while queued:
 * a chat an agent took meanwhile stays open. Never one of the messaging channel: its customer
 * is not expected to wait on the page, and gets the answer when they come back.
 */
export function decideCloseAbandoned(command: CloseAbandonedCommand, state: StartedConversation): ConversationEvent[] {
  const { actor } = command;
  if (actor.kind !== 'system') throw refuse.notAllowed('Only a service can close a chat its customer left.');
  if (state.status !== 'queued') throw refuse.notQueued();
  if (state.channel === 'messaging') throw refuse.messagingChannel();
  return [
    { type: 'ConversationMissed', data: { reason: 'left_in_queue' } },
    { type: 'ConversationClosed', data: { by: authorOf(actor), reason: 'customer_left' } },
  ];
}

/**
 * An active live chat silent for the organization's `chat_inactivity_seconds` is closed with
 * reason `inactive`. Never one of the messaging channel, whose answers may take half an hour.
 * The close alone: a cycle with a human reply is not missed, and one without is counted as
 * missed (unanswered) by the metrics, as any cycle that ends unanswered.
 */
export function decideCloseInactive(command: CloseInactiveCommand, state: StartedConversation): ConversationEvent[] {
  const { actor } = command;
  if (actor.kind !== 'system') throw refuse.notAllowed('Only a service can close an inactive chat.');
  if (state.status !== 'active') throw refuse.notActive();
  if (state.channel === 'messaging') throw refuse.messagingChannel();
  if (command.at.getTime() - state.lastActivityAt.getTime() < command.inactivitySeconds * 1000)
    throw refuse.notInactive();
  return [{ type: 'ConversationClosed', data: { by: authorOf(actor), reason: 'inactive' } }];
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
    {
      type: 'OfflineMessageLeft',
      data: { email: command.email, ...(command.name ? { name: command.name } : {}), text: command.text },
    },
    { type: 'ConversationMissed', data: { reason: 'no_agents' } },
    { type: 'ConversationClosed', data: { by: authorOf(actor) } },
  ];
}
