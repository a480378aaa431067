import { isSupervisor, type Actor, type ConversationEvent } from '@livedesk/contracts';
import { authorKey } from './author-keys.js';
import type { AddTagCommand, MarkSeenCommand, RateCommand } from './conversation-commands.js';
import type { StartedConversation } from './conversation-state.js';
import { hasEnded, isAssignedAgent, isChatCustomer } from './participants.js';
import { authorOf, canRead } from './read-rules.js';
import { refuse } from './refusals.js';

/** A read receipt. Allowed in every status: a customer may read the transcript of a closed chat. */
export function decideMarkSeen(command: MarkSeenCommand, state: StartedConversation): ConversationEvent[] {
  const { actor, seenUpTo } = command;
  if (!canRead(state, actor)) throw refuse.notParticipant();
  const message = state.messages.get(seenUpTo);
  if (!message) throw refuse.messageNotFound();
  const by = authorOf(actor);
  // Receipts only move forward; a repeated or late receipt (clients send one per render) is a no-op.
  if ((state.lastSeen.get(authorKey(by)) ?? 0) >= message.version) return [];
  return [{ type: 'MessagesSeen', data: { by, seen_up_to: seenUpTo } }];
}

/** The customer rates the service they got; rating again replaces the earlier score. */
export function decideRate(command: RateCommand, state: StartedConversation): ConversationEvent[] {
  if (!isChatCustomer(state, command.actor)) throw refuse.notParticipant();
  if (state.status === 'queued') throw refuse.chatNotStarted();
  // A chat closed with no agent ever assigned ended as missed (left_in_queue) before its
  // close, so it has nothing to rate either.
  if (state.status === 'missed' || (state.status === 'closed' && state.agentIds.length === 0)) {
    throw refuse.nothingToRate();
  }
  const { score, comment } = command;
  return [{ type: 'ConversationRated', data: { score, ...(comment === undefined ? {} : { comment }) } }];
}

export function decideAddTag(command: AddTagCommand, state: StartedConversation): ConversationEvent[] {
  if (!mayTag(state, command.actor)) throw refuse.notAssigned();
  if (state.tags.includes(command.tag)) return [];
  return [{ type: 'TagAdded', data: { tag: command.tag } }];
}

/**
 * The assigned agent, a supervisor or admin, and — once the cycle has ended and nobody is
 * assigned any more — the agent who handled it last, since agents tag chats as wrap-up after
 * resolving them.
 */
function mayTag(state: StartedConversation, actor: Actor): boolean {
  if (isSupervisor(actor) || isAssignedAgent(state, actor)) return true;
  return actor.kind === 'agent' && hasEnded(state) && actor.id === state.lastAgentId;
}
