/**
 * Admission control for new work (docs/limits.md, "Overload"): a gateway refuses new sends
 * and new chats while the pipeline behind it is past its bounds, so that the work it did
 * accept stays fast and the pushes of stored events stay close behind them. Pure: the caller
 * measures, this decides.
 */

/** The actions that start new work in the pipeline; everything else (reads, login, pushes) keeps flowing. */
export const SHEDDABLE_ACTIONS: ReadonlySet<string> = new Set(['send_event', 'start_chat']);

export interface OverloadBounds {
  /** Requests to the conversation service this gateway has sent and not had answered; 0: no bound. */
  maxInFlight: number;
  /** How far the pushes may run behind the events they push, milliseconds; 0: no bound. */
  maxPushLagMs: number;
  /** The least `retry_after_ms` of a refusal. */
  retryAfterMs: number;
}

/** The pipeline as this gateway sees it now. */
export interface PipelineHealth {
  inFlight: number;
  pushLagMs: number;
}

export type ShedCause = 'in_flight' | 'push_lag';

export type Admission = { kind: 'admit' } | { kind: 'shed'; cause: ShedCause; retryAfterMs: number };

/** A refusal never asks a client to wait longer than this. */
export const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Admits new work, or sheds it with a retry hint. The push lag is checked first: it is the
 * slower signal and the one that takes longest to come back. A lag over its bound asks the
 * client to wait the base hint plus the excess (the lag must fall that far); the in-flight
 * bound asks for the base hint. `random` (0 ≤ random < 1) spreads the hint over up to +50 %,
 * so that clients shed in the same moment do not all come back in the same moment.
 */
export function admitNewWork(health: PipelineHealth, bounds: OverloadBounds, random: number): Admission {
  const spread = (ms: number) =>
    Math.round(Math.min(MAX_RETRY_AFTER_MS, ms) * (1 + Math.min(Math.max(random, 0), 1) / 2));
  if (bounds.maxPushLagMs > 0 && health.pushLagMs > bounds.maxPushLagMs)
    return {
      kind: 'shed',
      cause: 'push_lag',
      retryAfterMs: spread(bounds.retryAfterMs + (health.pushLagMs - bounds.maxPushLagMs)),
    };
  if (bounds.maxInFlight > 0 && health.inFlight >= bounds.maxInFlight)
    return { kind: 'shed', cause: 'in_flight', retryAfterMs: spread(bounds.retryAfterMs) };
  return { kind: 'admit' };
}

/**
 * How far behind the stored events the pushes run. While an event is being pushed: now minus
 * the time it was stored. Otherwise the lag of the last event pushed, as long as it is fresh:
 * while JetStream still held events for the follower when it took that one (a backlog), or for
 * `IDLE_MS` after it (events that reach the gateway late, because the relay runs behind, are
 * each pushed at once, and between two of them the follower is idle, but every one of them was
 * late). After `IDLE_MS` with nothing to push, 0. Times are milliseconds since the epoch, given
 * by the caller (no clock here).
 */
export class PushLag {
  static readonly IDLE_MS = 1_000;
  /** Stored time of the event in hand, when there is one. */
  private inHand: number | undefined;
  private lastLagMs = 0;
  private lastFinishedAt = Number.NEGATIVE_INFINITY;
  private behind = false;

  /** The follower took an event stored at `storedAt`. */
  started(storedAt: number): void {
    this.inHand = storedAt;
  }

  /** The follower is done with the event it took; `pending`: events JetStream still held for it. */
  finished(now: number, pending: number): void {
    if (this.inHand !== undefined) this.lastLagMs = Math.max(0, now - this.inHand);
    this.inHand = undefined;
    this.lastFinishedAt = now;
    this.behind = pending > 0;
  }

  lagAt(now: number): number {
    if (this.inHand !== undefined) return Math.max(0, now - this.inHand);
    return this.behind || now - this.lastFinishedAt <= PushLag.IDLE_MS ? this.lastLagMs : 0;
  }
}
