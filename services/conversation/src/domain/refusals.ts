import { DomainError } from '@livedesk/contracts';

/**
 * Every refusal of the conversation decider, in one place so that one rule always answers
 * with the same code, reason and message.
 */
export const refuse = {
  chatNotFound: () => new DomainError('not_found', 'chat_not_found', 'The chat does not exist.'),
  chatExists: () => new DomainError('conflict', 'chat_exists', 'A chat with this id already exists.'),
  chatClosed: () => new DomainError('conflict', 'chat_closed', 'The chat is closed.'),
  chatInactive: () => new DomainError('conflict', 'chat_inactive', 'The chat has ended (resolved, closed or missed).'),
  chatNotStarted: () =>
    new DomainError('conflict', 'chat_not_started', 'Nobody has served the chat yet; it is still queued.'),
  notQueued: () => new DomainError('conflict', 'not_queued', 'The chat is no longer waiting in the queue.'),
  notActive: () => new DomainError('conflict', 'not_active', 'The chat is not active.'),
  messagingChannel: () =>
    new DomainError(
      'conflict',
      'messaging_channel',
      'A chat of the messaging channel is never closed for inactivity or because its customer left.',
    ),
  notInactive: () =>
    new DomainError(
      'conflict',
      'not_inactive',
      'The chat had a message or an assignment within the inactivity period.',
    ),
  notAllowed: (message: string) => new DomainError('authorization', 'not_allowed', message),
  notParticipant: () => new DomainError('authorization', 'not_participant', 'You are not a participant of this chat.'),
  notAssigned: () => new DomainError('authorization', 'not_assigned', 'The chat is not assigned to you.'),
  alreadyAssigned: () =>
    new DomainError('conflict', 'already_assigned', 'The chat is already assigned to another agent.'),
  sameAgent: () => new DomainError('conflict', 'same_agent', 'The chat is already assigned to this agent.'),
  messageNotFound: () => new DomainError('not_found', 'message_not_found', 'The message does not exist in this chat.'),
  invalidSurveyAnswers: (problem: string) =>
    new DomainError(
      'validation',
      'invalid_survey_answers',
      `The answers do not fit the survey's questions (${problem}).`,
    ),
  nothingToRate: () =>
    new DomainError('conflict', 'nothing_to_rate', 'Nobody served this chat, so there is nothing to rate.'),
};
