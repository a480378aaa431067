import { isSupervisor, surveyAnswersProblem, type Actor, type ConversationEvent } from '@livedesk/contracts';
import { authorKey } from './author-keys.js';
import type {
  AddTagCommand,
  AnswerNpsCommand,
  AnswerSurveyCommand,
  RemoveTagCommand,
  MarkSeenCommand,
  RateCommand,
  ReportGoalCommand,
  SetPriorityCommand,
} from './conversation-commands.js';
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
  checkFeedback(command.actor, state);
  const { score, comment } = command;
  return [{ type: 'ConversationRated', data: { score, ...(comment === undefined ? {} : { comment }) } }];
}

/** The customer answers the recommend question (0–10), under the same rules as a rating; a new answer replaces the earlier one. */
export function decideAnswerNps(command: AnswerNpsCommand, state: StartedConversation): ConversationEvent[] {
  checkFeedback(command.actor, state);
  const { score, comment } = command;
  return [{ type: 'NpsAnswered', data: { score, ...(comment === undefined ? {} : { comment }) } }];
}

/**
 * The customer answers the post-chat survey — CES and the organization's own questions — under
 * the same rules as a rating. Answers that do not fit the questions (an unknown id, a value out
 * of range, a choice not offered) are refused whole; a later answer to a question replaces the
 * earlier one.
 */
export function decideAnswerSurvey(command: AnswerSurveyCommand, state: StartedConversation): ConversationEvent[] {
  checkFeedback(command.actor, state);
  const problem = surveyAnswersProblem(command.questions, command.answers);
  if (problem !== undefined) throw refuse.invalidSurveyAnswers(problem);
  return [{ type: 'SurveyAnswered', data: { answers: { ...command.answers } } }];
}

/** Feedback is about a chat someone served: not while it is still queued, nor after it was missed. */
function checkFeedback(actor: Actor, state: StartedConversation): void {
  if (!isChatCustomer(state, actor)) throw refuse.notParticipant();
  if (state.status === 'queued') throw refuse.chatNotStarted();
  // A chat closed with no agent ever assigned ended as missed (left_in_queue) before its
  // close, so it has nothing to rate either.
  if (state.status === 'missed' || (state.status === 'closed' && state.agentIds.length === 0)) {
    throw refuse.nothingToRate();
  }
}

/**
 * The company's site (through the customer's widget, or a service) reports a goal the
 * conversation led to, in any status: a purchase often comes after the chat ended. A goal
 * reported again is the same conversion and stores nothing.
 */
export function decideReportGoal(command: ReportGoalCommand, state: StartedConversation): ConversationEvent[] {
  const { actor, goal, value } = command;
  if (actor.kind !== 'system' && !isChatCustomer(state, actor)) throw refuse.notParticipant();
  if (state.goals.includes(goal)) return [];
  return [{ type: 'GoalReported', data: { goal, ...(value === undefined ? {} : { value }) } }];
}

/** How urgent the chat is, set while it is open by whoever may transfer it (SLA policies match on it). */
export function decideSetPriority(command: SetPriorityCommand, state: StartedConversation): ConversationEvent[] {
  const { actor, priority } = command;
  if (hasEnded(state)) throw refuse.chatInactive();
  if (actor.kind !== 'system' && !isSupervisor(actor) && !isAssignedAgent(state, actor)) throw refuse.notAssigned();
  if (state.priority === priority) return [];
  return [{ type: 'PrioritySet', data: { priority } }];
}

/**
 * Tags the chat. Whether the tag is on the organization's list is the gateway's check (the
 * identity service owns the list); the chat only knows its own tags. A tag it has already
 * stores nothing.
 */
export function decideAddTag(command: AddTagCommand, state: StartedConversation): ConversationEvent[] {
  if (!mayTag(state, command.actor)) throw refuse.notAssigned();
  if (state.tags.includes(command.tag)) return [];
  return [{ type: 'TagAdded', data: { tag: command.tag } }];
}

/** Takes a tag off the chat, by whoever may tag it; a tag the chat does not have stores nothing. */
export function decideRemoveTag(command: RemoveTagCommand, state: StartedConversation): ConversationEvent[] {
  if (!mayTag(state, command.actor)) throw refuse.notAssigned();
  if (!state.tags.includes(command.tag)) return [];
  return [{ type: 'TagRemoved', data: { tag: command.tag } }];
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
