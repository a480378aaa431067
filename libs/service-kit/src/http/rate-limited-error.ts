/**
 * A request refused by a throttle: HTTP 429 `rate_limited` with `Retry-After` (whole seconds,
 * rounded up) and `retry_after_ms` in the body.
 */
export class RateLimitedError extends Error {
  readonly code = 'rate_limited' as const;

  constructor(
    message: string,
    readonly retryAfterMs: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }

  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}
