/**
 * An organization's business hours as `GET /v1/customer/widget-settings` gives them: weekly
 * opening intervals as local wall-clock `HH:MM` (`24:00` closes at midnight) in an IANA zone,
 * and holidays (local `YYYY-MM-DD`) closed all day.
 */
export interface BusinessHours {
  time_zone: string;
  weekly: readonly { day: string; from: string; to: string }[];
  holidays?: readonly string[];
}

/** The wall clock of `zone` at an instant: the browser's Intl does the time-zone and daylight-saving rules. */
export function wallClock(zone: string, at: Date): { date: string; day: string; time: string } {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
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
 * Whether the organization takes chats at `at`. No hours: always. A zone this browser does not
 * know (an old engine) counts as open: the visitor may still start a chat, nobody is locked out.
 */
export function isOpenAt(hours: BusinessHours | null | undefined, at: Date): boolean {
  if (!hours) return true;
  let clock: ReturnType<typeof wallClock>;
  try {
    clock = wallClock(hours.time_zone, at);
  } catch {
    return true;
  }
  if (hours.holidays?.includes(clock.date)) return false;
  // HH:MM strings of equal width compare as times; `24:00` is after every minute of the day.
  return hours.weekly.some(
    (interval) => interval.day === clock.day && interval.from <= clock.time && clock.time < interval.to,
  );
}
