import { businessSeconds, type BusinessCalendar } from './business-calendar.js';

/** A duration stored twice, as docs/metrics.md requires: calendar seconds and business seconds. */
export interface Duration {
  seconds: number;
  business_seconds: number;
}

export function durationBetween(calendar: BusinessCalendar | null, from: Date, to: Date): Duration {
  return {
    seconds: Math.max(0, to.getTime() - from.getTime()) / 1000,
    business_seconds: businessSeconds(calendar, from, to),
  };
}

/** `null` unless both ends are known. */
export function optionalDuration(
  calendar: BusinessCalendar | null,
  from: Date | null,
  to: Date | null,
): Duration | null {
  return from && to ? durationBetween(calendar, from, to) : null;
}
