import { ApiError } from '@livedesk/service-kit';

/** The `reason` of a refused token, the same over HTTP and the WebSocket protocol. */
export type InvalidTokenReason = 'token_expired' | 'token_invalid';

/**
 * A livedesk token that does not verify: `token_expired` (a client should fetch a new one) or
 * `token_invalid` (bad signature, wrong issuer or audience, malformed claims).
 */
export class InvalidTokenError extends ApiError {
  constructor(override readonly reason: InvalidTokenReason) {
    super('authentication', reason === 'token_expired' ? 'the token has expired' : 'the token is not valid', reason);
    this.name = 'InvalidTokenError';
  }
}
