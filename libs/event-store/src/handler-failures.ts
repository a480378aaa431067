/** Attempts at an event before a subscription parks it, when not set (docs/dead-letters.md). */
export const DEFAULT_PARK_AFTER_ATTEMPTS = 5;

/**
 * A subscription's count of failed attempts per event, in memory: an event whose handler
 * failed `parkAfter` times is parked. Waiting for a predecessor (`out_of_order`) is no failure
 * and counts nothing. Counts live in one process; among replicas, or after a restart, an event
 * is tried a few more times at most.
 */
export class HandlerFailures {
  private readonly counts = new Map<string, number>();

  constructor(readonly parkAfter: number = DEFAULT_PARK_AFTER_ATTEMPTS) {
    if (!Number.isInteger(parkAfter) || parkAfter < 1)
      throw new Error(`parkAfter must be a positive integer, not ${parkAfter}`);
  }

  /** Records a failure; answers the attempts so far and whether the event is to be parked. */
  failed(eventId: string): { attempts: number; park: boolean } {
    const attempts = (this.counts.get(eventId) ?? 0) + 1;
    this.counts.set(eventId, attempts);
    return { attempts, park: attempts >= this.parkAfter };
  }

  /** Whether the event failed before (and is neither applied nor parked since). */
  isSuspect(eventId: string): boolean {
    return this.counts.has(eventId);
  }

  /** The event was applied or parked: its count goes. */
  settled(eventId: string): void {
    this.counts.delete(eventId);
  }

  /** Delay before the next attempt: 200 ms, 400 ms, 800 ms, … up to 30 s. */
  static retryDelayMs(attempts: number): number {
    return Math.min(100 * 2 ** attempts, 30_000);
  }
}
