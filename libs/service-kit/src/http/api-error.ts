import type { ErrorCode } from '@livedesk/contracts';

/** The codes an HTTP API refuses a request with (docs/protocol.md's, but `rate_limited`'s retry hint). */
export type ApiErrorCode = Exclude<ErrorCode, 'rate_limited'>;

const STATUS_OF: Record<ApiErrorCode, number> = {
  validation: 400,
  authentication: 401,
  authorization: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/**
 * A refused HTTP request of any service's API: `code` and `message` (and `reason`, the rule that
 * refused it, when there is one) are what the client reads in `{error: {code, message, reason?}}`.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly reason?: string,
    /** `unavailable`: when to try again, sent as `Retry-After` (whole seconds, rounded up). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}
