import { isSupervisor, type Actor, type ConversationEvent } from '@livedesk/contracts';
import type { PostMessageCommand } from './conversation-commands.js';
import type { StartedConversation } from './conversation-state.js';
import { messagePosted } from './message-posted.js';
import { hasEnded, isAssignedAgent, isChatCustomer } from './participants.js';
import { authorOf, messageByClientId } from './read-rules.js';
import { refuse } from './refusals.js';

export function decidePostMessage(command: PostMessageCommand, state: StartedConversation): ConversationEvent[] {
  const { actor } = command;
  const author = authorOf(actor);
  // A send retried by the client (same author, same client id) posts nothing new, even if the
  // chat has closed since: the caller answers with the stored message (messageByClientId).
  if (command.clientId !== undefined && messageByClientId(state, author, command.clientId)) return [];
  if (state.status === 'closed') throw refuse.chatClosed();
  const posted = messagePosted(author, command);
  if (actor.kind === 'customer') return customerWrites(state, actor, posted);
  if (hasEnded(state)) throw refuse.chatInactive();
  if (actor.kind === 'agent' && !isSupervisor(actor) && !isAssignedAgent(state, actor)) throw refuse.notAssigned();
  // Left: the assigned agent (so the chat is active), a supervisor or admin, or a service, in a queued or active chat.
  return [posted];
}

function customerWrites(state: StartedConversation, actor: Actor, posted: ConversationEvent): ConversationEvent[] {
  if (!isChatCustomer(state, actor)) throw refuse.notParticipant();
  if (state.status === 'queued' || state.status === 'active') return [posted];
  // The customer writing into a resolved or missed chat starts a new cycle (docs/metrics.md, "Cycle"):
  // the chat is reopened and queued again in its group, so that the clocks restart.
  return [
    { type: 'ConversationReopened', data: { by: authorOf(actor) } },
    posted,
    { type: 'ConversationQueued', data: { group_id: state.groupId } },
  ];
}
