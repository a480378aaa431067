import type { ErrorCode } from './protocol/errors.js';

/** The protocol error codes a domain rule can answer with. */
export type DomainErrorCode = Extract<ErrorCode, 'validation' | 'authorization' | 'not_found' | 'conflict'>;

/**
 * A command refused by a domain rule (a decider's `decide`). `code` is the protocol error code
 * the caller answers with; `reason` names the rule in snake_case (`chat_closed`,
 * `ticket_is_spam`, …) so that a client can branch on it; `message` is a sentence for people.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
