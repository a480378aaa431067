/**
 * A token bucket: `ratePerSecond` frames a second on average, `burst` at once. `take` answers
 * 0 when a frame may pass, else how many milliseconds until one may.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }
}

/** What the gateway does with one incoming frame, decided before the frame is even parsed. */
export type FrameAdmission =
  | { kind: 'pass' }
  | { kind: 'refuse'; retryAfterMs: number }
  /** The socket kept sending far above its limit: close it instead of answering again. */
  | { kind: 'close' };

/**
 * The per-socket frame limit. Every frame is charged, whatever it holds: binary, unparsable
 * and invalid frames cost an answer too (before, 2,000 unparsable frames got 2,000 answers
 * without touching the limit). Refused frames draw on a second bucket, refilled at the same
 * rate; a client that empties it (`floodAllowance` refusals more than it waited for) has
 * shown that it does not read `retry_after_ms`, and its socket is closed.
 */
export class FrameRateLimit {
  private readonly frames: TokenBucket;
  private readonly refusals: TokenBucket;

  constructor(options: { ratePerSecond: number; burst: number; floodAllowance: number }, now?: () => number) {
    this.frames = new TokenBucket(options.ratePerSecond, options.burst, now);
    this.refusals = new TokenBucket(options.ratePerSecond, options.floodAllowance, now);
  }

  admit(): FrameAdmission {
    const retryAfterMs = this.frames.take();
    if (retryAfterMs === 0) return { kind: 'pass' };
    if (this.refusals.take() > 0) return { kind: 'close' };
    return { kind: 'refuse', retryAfterMs };
  }
}
