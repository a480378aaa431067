import { DateTime } from 'luxon';

const QUARTER_HOUR_MS = 900_000;
const HALF_DAY_MS = 43_200_000;
const cache = new Map<string, Map<number, string>>();

/**
 * `YYYY-MM-DD` of an instant in a time zone. Every zone's offset changes on a quarter hour, so
 * the date is the same across a quarter hour of UTC and is looked up once per quarter hour:
 * the projector asks for millions of them in a replay, and a luxon DateTime each is slow.
 */
export function localDay(at: Date | number, timeZone: string): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let zone = cache.get(timeZone);
  if (!zone) cache.set(timeZone, (zone = new Map()));
  let day = zone.get(quarter);
  if (day === undefined) {
    day =
      DateTime.fromMillis(quarter * QUARTER_HOUR_MS, { zone: timeZone }).toISODate() ??
      new Date(ms).toISOString().slice(0, 10);
    if (zone.size > 200_000) zone.clear();
    zone.set(quarter, day);
  }
  return day;
}

/**
 * The local dates from the one containing `from` to the one containing `to`, in order. A local
 * day lasts 23 to 25 hours, so stepping half a day at a time meets every one of them.
 */
export function localDaysBetween(from: number, to: number, timeZone: string): string[] {
  const first = localDay(from, timeZone);
  const end = Math.max(from, to);
  const last = localDay(end, timeZone);
  if (first === last) return [first];
  const days = [first];
  for (let t = from + HALF_DAY_MS; days.length < 3700; t += HALF_DAY_MS) {
    const day = localDay(Math.min(t, end), timeZone);
    if (day !== days.at(-1)) days.push(day);
    if (t >= end) break;
  }
  return days;
}
