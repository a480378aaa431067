export interface BackoffOptions {
  /** The first delay before a reconnect, in ms (default 250). */
  initialDelayMs?: number;
  /** The longest delay, in ms (default 30 000). */
  maxDelayMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0 = the first after a drop): exponential growth
 * capped at `maxDelayMs`, with "equal jitter" — half of the step fixed, half random — so that the
 * clients a gateway restart drops do not all come back in the same millisecond, while a client
 * still waits at least half the step (AWS Architecture Blog, "Exponential Backoff and Jitter").
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 30_000;
  const step = Math.min(max, initial * (options.factor ?? 2) ** attempt);
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * The wait before a request refused with `rate_limited` or `unavailable` is asked again: the
 * server's `retry_after_ms` (1 s without one), never less, plus up to half of it at random, so
 * that the sockets a server refused together (a reconnect storm) do not come back together.
 */
export function retryDelay(retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const hint = retryAfterMs ?? 1_000;
  return Math.round(hint + random() * (hint / 2));
}
