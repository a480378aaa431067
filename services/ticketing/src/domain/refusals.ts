import { DomainError } from '@livedesk/contracts';

/** Every refusal of the ticket decider, so that one rule always answers the same code, reason and message. */
export const refuse = {
  ticketNotFound: () => new DomainError('not_found', 'ticket_not_found', 'The ticket does not exist.'),
  ticketExists: () => new DomainError('conflict', 'ticket_exists', 'A ticket with this id already exists.'),
  agentsOnly: () => new DomainError('authorization', 'agents_only', 'Only agents may do this.'),
  notRequester: () =>
    new DomainError('authorization', 'not_requester', 'Only the requester of the ticket may reply as the requester.'),
  ticketIsSpam: () =>
    new DomainError(
      'conflict',
      'ticket_is_spam',
      'The ticket is marked as spam; set another status before answering it.',
    ),
  noRequesterEmail: () =>
    new DomainError(
      'conflict',
      'no_requester_contact',
      'The ticket has no requester to wait for (no email and no customer).',
    ),
};
