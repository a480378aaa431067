import { ApiError } from '@livedesk/service-kit';
import type { ErrorCode } from '@livedesk/contracts';

/** The error codes the identity endpoints answer with (a subset of docs/protocol.md's). */
export type IdentityErrorCode = Extract<
  ErrorCode,
  'validation' | 'authentication' | 'authorization' | 'not_found' | 'conflict'
>;

/** A refused identity request: `code` and `message` are what the client reads in `{error: {code, message}}`. */
export class IdentityError extends ApiError {
  constructor(
    override readonly code: IdentityErrorCode,
    message: string,
    reason?: string,
  ) {
    super(code, message, reason);
    this.name = 'IdentityError';
  }
}
