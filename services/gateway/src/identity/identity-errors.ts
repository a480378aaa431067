import type { ErrorCode } from '@livedesk/contracts';

/** The error codes the identity endpoints answer with (a subset of protocol.md's). */
export type IdentityErrorCode = Extract<ErrorCode, 'validation' | 'authentication' | 'authorization' | 'not_found' | 'conflict'>;

/** A refused request: `code` and `message` are what the client reads in `{error: {code, message}}`. */
export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}

export type InvalidTokenReason = 'expired' | 'invalid';

/**
 * A gateway token that does not verify: `expired` (a client should fetch a new one) or
 * `invalid` (bad signature, wrong issuer or audience, malformed claims).
 */
export class InvalidTokenError extends IdentityError {
  constructor(readonly reason: InvalidTokenReason) {
    super('authentication', reason === 'expired' ? 'the token has expired' : 'the token is not valid');
    this.name = 'InvalidTokenError';
  }
}
