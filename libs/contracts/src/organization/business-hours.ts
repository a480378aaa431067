import { z } from 'zod';
import { SafeString } from '../common.js';
import { Weekday } from '../sla/events.js';

/** `HH:MM` on a 24-hour clock; `24:00` closes an interval at midnight. */
const ClockTime = SafeString.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:MM (00:00 to 24:00)');

/** Whether `timeZone` is an IANA zone the engine knows (not an offset such as `+01:00`, which follows no daylight saving time). */
export function isIanaTimeZone(timeZone: string): boolean {
  if (timeZone === '' || /^[+-]/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const OpeningInterval = z
  .object({ day: Weekday, from: ClockTime, to: ClockTime })
  .strict()
  .refine((interval) => interval.from < interval.to, 'an opening interval must end after it starts');

/**
 * An organization's business hours (extension of `PATCH /v1/organizations/:id`), in the shape
 * of an SLA policy's business calendar (`BusinessCalendarData`): weekly opening intervals as
 * local wall-clock `HH:MM` in an IANA zone (so 09:00–17:00 stays 09:00–17:00 across a
 * daylight-saving change) and holidays, local dates closed all day. Outside them the widget
 * offers to leave a message instead of starting a chat.
 */
export const BusinessHours = z
  .object({
    time_zone: SafeString.min(1).max(64).refine(isIanaTimeZone, 'unknown IANA time zone'),
    weekly: z.array(OpeningInterval).min(1).max(100),
    holidays: z.array(z.iso.date()).max(1000).default([]),
  })
  .strict()
  .refine((hours) => !hasOverlap(hours.weekly), 'opening intervals of one day must not overlap');
export type BusinessHours = z.infer<typeof BusinessHours>;

function hasOverlap(weekly: readonly { day: string; from: string; to: string }[]): boolean {
  const sorted = [...weekly].sort((a, b) => a.day.localeCompare(b.day) || a.from.localeCompare(b.from));
  return sorted.some((interval, i) => {
    const previous = sorted[i - 1];
    return previous !== undefined && previous.day === interval.day && interval.from < previous.to;
  });
}

/** The wall clock of an IANA zone at an instant: date (YYYY-MM-DD), weekday (`mon`…) and HH:MM. */
function wallClock(timeZone: string, at: Date): { date: string; day: string; time: string } {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    day: (parts.weekday ?? '').toLowerCase(),
    time: `${parts.hour}:${parts.minute}`,
  };
}

/**
 * Whether the organization takes chats at `at` (the gateway's `start_chat`; the widget decides
 * the same way before it opens). No hours (null): always open. A holiday is closed all day;
 * otherwise open inside any weekly interval, `from` included and `to` excluded.
 */
export function isOpenAt(hours: BusinessHours | null | undefined, at: Date): boolean {
  if (!hours) return true;
  const clock = wallClock(hours.time_zone, at);
  if (hours.holidays.includes(clock.date)) return false;
  // HH:MM strings of equal width compare as times; `24:00` is after every minute of the day.
  return hours.weekly.some(
    (interval) => interval.day === clock.day && interval.from <= clock.time && clock.time < interval.to,
  );
}
