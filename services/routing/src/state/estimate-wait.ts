import { DRAIN_WINDOW_MS } from './prelude.lua.js';

/** Below this many assignments in the window the drain rate is too noisy (docs/metrics.md). */
export const MIN_DRAINED_FOR_RATE = 10;

export interface WaitEstimateInputs {
  /** 1-based queue position of the customer. */
  position: number;
  /** Chats that left the group's queue by assignment in the last 15 minutes. */
  drainedInWindow: number;
  /** Median of the group's first queue waits today (UTC day), or null when none yet. */
  medianWaitMs: number | null;
}

/**
 * The queue estimate of docs/metrics.md, in whole seconds rounded up (a customer told
 * "about 0 s" who then waits is worse off than one told 1 s):
 * - position ÷ drain rate, the rate being the assignments out of the group's queue over the last
 *   15 minutes divided by those 15 minutes, once there were at least 10 of them;
 * - before that, the group's median queue time today, whatever the position (the definition
 *   says so; it is the only figure known then);
 * - null when neither is known.
 */
export function estimateWaitSeconds({ position, drainedInWindow, medianWaitMs }: WaitEstimateInputs): number | null {
  if (drainedInWindow >= MIN_DRAINED_FOR_RATE) {
    const perSecond = drainedInWindow / (DRAIN_WINDOW_MS / 1000);
    return Math.ceil(position / perSecond);
  }
  if (medianWaitMs !== null) return Math.ceil(medianWaitMs / 1000);
  return null;
}
