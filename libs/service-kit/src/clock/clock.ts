/**
 * Where a service reads the time that goes into its events and decisions (when a message was
 * posted, when an agent's status changed, when an SLA target falls due). Timeouts, deadlines
 * and rate limits are about real elapsed time and keep `Date.now()`.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The `Clock` of a service (`@Inject(CLOCK)`). */
export const CLOCK = Symbol('CLOCK');
