import { DateTime, IANAZone } from 'luxon';

/** A stretch of time [from, to). */
export interface Window {
  from: Date;
  to: Date;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];

/** One real hour, labelled with the local weekday and hour it starts at. */
export interface LabelledHour {
  start: Date;
  day: WeekdayName;
  hour: number;
}

const HOUR_MS = 3_600_000;

/**
 * The zone a report counts local days in: the organization's, or UTC when it is not a zone luxon
 * knows (OrganizationCreated takes any text; a report must not fail on it).
 */
export function reportZone(timeZone: string | undefined): string {
  return timeZone !== undefined && IANAZone.isValidZone(timeZone) ? timeZone : 'UTC';
}

/** The local date (`YYYY-MM-DD`) before the one `now` falls on. */
export function yesterday(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).minus({ days: 1 }).toISODate()!;
}

/** The local day `date` as instants: 23, 24 or 25 hours long. */
export function dayWindow(date: string, timeZone: string): Window {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
}

/** The local dates `count` days before `date`, nearest first. */
export function daysBefore(date: string, count: number): string[] {
  // Calendar arithmetic on the date alone: no zone, no daylight saving.
  const day = DateTime.fromISO(date, { zone: 'UTC' });
  return Array.from({ length: count }, (_, i) => day.minus({ days: i + 1 }).toISODate()!);
}

/**
 * The `weeks` whole weeks of local days before the day `now` falls on, cut into real hours, each
 * labelled with the local weekday and hour it starts at. Across a change to summer time a label
 * is missing once; back to winter time one appears twice: counting hours per label (rather than
 * assuming `weeks` of each) keeps rates per hour right. Local midnight is a whole number of hours
 * from every hour boundary of a zone with a half-hour offset too, so each hour is one local hour.
 */
export function hoursOfWeeks(now: Date, weeks: number, timeZone: string): Window & { hours: LabelledHour[] } {
  const to = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const from = to.minus({ weeks });
  const hours: LabelledHour[] = [];
  for (let t = from.toMillis(); t < to.toMillis(); t += HOUR_MS) {
    const local = DateTime.fromMillis(t, { zone: timeZone });
    hours.push({ start: new Date(t), day: WEEKDAYS[local.weekday - 1]!, hour: local.hour });
  }
  return { from: from.toJSDate(), to: to.toJSDate(), hours };
}
