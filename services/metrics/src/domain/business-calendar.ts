import { IANAZone } from 'luxon';
import { z } from 'zod';
import { compiledCalendar } from './compiled-calendar.js';

/** `HH:MM` on a 24-hour clock; `24:00` closes an interval at midnight. */
const ClockTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:MM');

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;

export const OpeningInterval = z
  .object({ day: Weekday, from: ClockTime, to: ClockTime })
  .refine((interval) => interval.from < interval.to, 'an opening interval must end after it starts');
export type OpeningInterval = z.infer<typeof OpeningInterval>;

/**
 * Weekly opening intervals in an IANA time zone (several a day allowed), plus holidays: local
 * dates (`YYYY-MM-DD` in that zone) closed all day. Intervals are local wall-clock times, so a
 * 09:00–17:00 day stays 09:00–17:00 across a daylight-saving change.
 */
export const BusinessCalendar = z
  .object({
    time_zone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'unknown IANA time zone'),
    weekly: z.array(OpeningInterval).min(1),
    holidays: z.array(z.iso.date()).default([]),
  })
  .refine((calendar) => !hasOverlap(calendar.weekly), 'opening intervals of one day must not overlap');
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

function hasOverlap(weekly: OpeningInterval[]): boolean {
  const sorted = [...weekly].sort((a, b) => a.day.localeCompare(b.day) || a.from.localeCompare(b.from));
  return sorted.some((interval, i) => {
    const previous = sorted[i - 1];
    return previous !== undefined && previous.day === interval.day && interval.from < previous.to;
  });
}

/** Seconds of [from, to) inside opening hours; `null` is a 24/7 calendar (calendar seconds). */
export function businessSeconds(calendar: BusinessCalendar | null, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  if (calendar === null) return (end - start) / 1000;
  return compiledCalendar(calendar).openMs(start, end) / 1000;
}

/**
 * The earliest instant `t` with `businessSeconds(calendar, from, t) === seconds`: the due time of
 * an SLA target counted in business time. Zero seconds is `from` itself.
 */
export function addBusinessSeconds(calendar: BusinessCalendar | null, from: Date, seconds: number): Date {
  if (seconds <= 0) return new Date(from.getTime());
  if (calendar === null) return new Date(from.getTime() + seconds * 1000);
  return new Date(compiledCalendar(calendar).addOpenMs(from.getTime(), seconds * 1000));
}
