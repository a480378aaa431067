import { DateTime } from 'luxon';
import type { BusinessCalendar, Weekday } from './business-calendar.js';

export interface Window {
  /** epoch milliseconds, inclusive */
  start: number;
  /** epoch milliseconds, exclusive */
  end: number;
}

const weekdays: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** A calendar open a few hours a year must still end: ten years of days is the search bound. */
const maxDays = 3660;

/**
 * The calendar's opening windows as absolute instants, in order, from the local day containing
 * `from` onwards (windows ending at or before `from` are skipped). Each local wall-clock bound is
 * resolved in the zone by luxon, so a day of a DST change is 23 or 25 hours long; a bound inside the
 * spring-forward gap moves forward by the gap (luxon's rule: 02:30 on a 02:00→03:00 night is
 * 03:30), and one inside the repeated fall-back hour takes its first occurrence.
 */
export function* openingWindows(calendar: BusinessCalendar, from: number): Generator<Window> {
  const holidays = new Set(calendar.holidays);
  let day = DateTime.fromMillis(from, { zone: calendar.time_zone }).startOf('day');
  for (let i = 0; i < maxDays; i++, day = day.plus({ days: 1 })) {
    if (holidays.has(day.toISODate() ?? '')) continue;
    const weekday = weekdays[day.weekday - 1];
    const intervals = calendar.weekly
      .filter((interval) => interval.day === weekday)
      .sort((a, b) => a.from.localeCompare(b.from));
    for (const interval of intervals) {
      const window = { start: localInstant(day, interval.from), end: localInstant(day, interval.to) };
      if (window.end > from && window.end > window.start) yield window;
    }
  }
}

function localInstant(day: DateTime, clock: string): number {
  const [hour = 0, minute = 0] = clock.split(':').map(Number);
  if (hour === 24) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour, minute }).toMillis();
}
