/** The protocol error codes (contracts' `ErrorCode`) a ticket rule can answer with. */
export type DomainErrorCode = 'validation' | 'authorization' | 'not_found' | 'conflict';

/**
 * A command refused by a ticket rule: `code` is the protocol error code, `reason` names the
 * rule in snake_case (`ticket_is_spam`, `agents_only`, …), `message` is a sentence for people.
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
