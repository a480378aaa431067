import { describe, expect, it } from '@jest/globals';
import { addBusinessSeconds, BusinessCalendar, businessSeconds } from './business-calendar.js';

const utc = (iso: string): Date => new Date(iso);
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** Warsaw office: Mon–Fri 09:00–12:00 and 13:00–17:00; Easter Monday 2026-04-06 is a holiday. */
const office = BusinessCalendar.parse({
  time_zone: 'Europe/Warsaw',
  weekly: weekdays.flatMap((day) => [
    { day, from: '09:00', to: '12:00' },
    { day, from: '13:00', to: '17:00' },
  ]),
  holidays: ['2026-04-06'],
});

describe('BusinessCalendar schema', () => {
  it('accepts a valid calendar and defaults holidays to none', () => {
    const parsed = BusinessCalendar.parse({ time_zone: 'UTC', weekly: [{ day: 'mon', from: '00:00', to: '24:00' }] });
    expect(parsed.holidays).toEqual([]);
  });

  it('rejects an unknown zone, a reversed interval, overlapping intervals, a bad date and no intervals', () => {
    const base = { time_zone: 'Europe/Warsaw', weekly: [{ day: 'mon', from: '09:00', to: '17:00' }] };
    expect(BusinessCalendar.safeParse(base).success).toBe(true);
    expect(BusinessCalendar.safeParse({ ...base, time_zone: 'Mars/Olympus' }).success).toBe(false);
    expect(BusinessCalendar.safeParse({ ...base, weekly: [{ day: 'mon', from: '17:00', to: '09:00' }] }).success).toBe(
      false,
    );
    expect(
      BusinessCalendar.safeParse({
        ...base,
        weekly: [
          { day: 'mon', from: '09:00', to: '12:00' },
          { day: 'mon', from: '11:00', to: '14:00' },
        ],
      }).success,
    ).toBe(false);
    expect(BusinessCalendar.safeParse({ ...base, weekly: [{ day: 'mon', from: '9:00', to: '12:00' }] }).success).toBe(
      false,
    );
    expect(BusinessCalendar.safeParse({ ...base, holidays: ['2026-13-01'] }).success).toBe(false);
    expect(BusinessCalendar.safeParse({ ...base, weekly: [] }).success).toBe(false);
  });
});

describe('businessSeconds', () => {
  it('is calendar seconds for a 24/7 calendar (null), and 0 for an empty or reversed range', () => {
    // 10:00:00 → 10:01:30 = 90 s
    expect(businessSeconds(null, utc('2026-03-07T10:00:00Z'), utc('2026-03-07T10:01:30Z'))).toBe(90);
    expect(businessSeconds(office, utc('2026-03-02T10:00:00Z'), utc('2026-03-02T10:00:00Z'))).toBe(0);
    expect(businessSeconds(office, utc('2026-03-02T11:00:00Z'), utc('2026-03-02T10:00:00Z'))).toBe(0);
  });

  it('skips the lunch break between two intervals of one day', () => {
    // Mon 2026-03-02, CET (+01:00): 11:30–13:30 local = 10:30Z–12:30Z.
    // 11:30–12:00 open (1800) + 12:00–13:00 closed + 13:00–13:30 open (1800) = 3600
    expect(businessSeconds(office, utc('2026-03-02T10:30:00Z'), utc('2026-03-02T12:30:00Z'))).toBe(3600);
  });

  it('counts nothing at night or over a weekend', () => {
    // Fri 2026-03-06 18:00 local → Mon 2026-03-09 08:59 local: all closed
    expect(businessSeconds(office, utc('2026-03-06T17:00:00Z'), utc('2026-03-09T07:59:00Z'))).toBe(0);
  });

  it('follows local opening hours across the spring-forward weekend (Warsaw, 2026-03-29)', () => {
    // Fri 2026-03-27 is CET (+01:00), Mon 2026-03-30 is CEST (+02:00).
    // from Fri 10:00Z = 11:00 local, to Mon 08:00Z = 10:00 local.
    // Fri 11:00–12:00 (3600) + 13:00–17:00 (14400) + Mon 09:00–10:00 (3600) = 21600
    expect(businessSeconds(office, utc('2026-03-27T10:00:00Z'), utc('2026-03-30T08:00:00Z'))).toBe(21600);
  });

  it('counts a 23-hour and a 25-hour day in an always-open calendar', () => {
    const always = BusinessCalendar.parse({
      time_zone: 'Europe/Warsaw',
      weekly: [...weekdays, 'sat', 'sun'].map((day) => ({ day, from: '00:00', to: '24:00' })),
    });
    // Sun 2026-03-29 local day: 00:00 CET = 03-28T23:00Z → 24:00 CEST = 03-29T22:00Z = 23 h = 82800
    expect(businessSeconds(always, utc('2026-03-28T23:00:00Z'), utc('2026-03-29T22:00:00Z'))).toBe(82800);
    // Sun 2026-10-25 local day: 00:00 CEST = 10-24T22:00Z → 24:00 CET = 10-25T23:00Z = 25 h = 90000
    expect(businessSeconds(always, utc('2026-10-24T22:00:00Z'), utc('2026-10-25T23:00:00Z'))).toBe(90000);
  });

  it('counts an interval spanning the DST hour by real elapsed time', () => {
    const sundayNight = BusinessCalendar.parse({
      time_zone: 'Europe/Warsaw',
      weekly: [{ day: 'sun', from: '01:00', to: '04:00' }],
    });
    // 2026-03-29: 01:00 CET = 00:00Z, 04:00 CEST = 02:00Z → 2 h = 7200 (the 02:00–03:00 hour does not exist)
    expect(businessSeconds(sundayNight, utc('2026-03-28T12:00:00Z'), utc('2026-03-30T12:00:00Z'))).toBe(7200);
    // 2026-10-25: 01:00 CEST = 10-24T23:00Z, 04:00 CET = 03:00Z → 4 h = 14400 (02:00–03:00 happens twice)
    expect(businessSeconds(sundayNight, utc('2026-10-24T12:00:00Z'), utc('2026-10-26T12:00:00Z'))).toBe(14400);
  });

  it('skips a holiday all day', () => {
    // CEST (+02:00). From Fri 2026-04-03 16:00 local (14:00Z) to Tue 2026-04-07 10:00 local (08:00Z).
    // Fri 16:00–17:00 (3600) + weekend 0 + Mon 04-06 holiday 0 + Tue 09:00–10:00 (3600) = 7200
    expect(businessSeconds(office, utc('2026-04-03T14:00:00Z'), utc('2026-04-07T08:00:00Z'))).toBe(7200);
    // Without the holiday Monday adds 3 h + 4 h = 25200 → 32400
    const noHoliday = { ...office, holidays: [] };
    expect(businessSeconds(noHoliday, utc('2026-04-03T14:00:00Z'), utc('2026-04-07T08:00:00Z'))).toBe(32400);
  });
});

describe('addBusinessSeconds', () => {
  it('adds calendar seconds for a 24/7 calendar and returns `from` for zero', () => {
    expect(addBusinessSeconds(null, utc('2026-03-07T10:00:00Z'), 45)).toEqual(utc('2026-03-07T10:00:45Z'));
    expect(addBusinessSeconds(office, utc('2026-03-07T10:00:00Z'), 0)).toEqual(utc('2026-03-07T10:00:00Z'));
  });

  it('continues after the lunch break', () => {
    // Fri 2026-03-06 11:59:30 local (10:59:30Z) + 60 s: 30 s before 12:00, 30 s from 13:00 → 13:00:30 local = 12:00:30Z
    expect(addBusinessSeconds(office, utc('2026-03-06T10:59:30Z'), 60)).toEqual(utc('2026-03-06T12:00:30Z'));
  });

  it('starts at the next opening when called outside hours', () => {
    // Sat 2026-03-07 → Mon 2026-03-09 09:00 CET + 60 s = 09:01 local = 08:01Z
    expect(addBusinessSeconds(office, utc('2026-03-07T10:00:00Z'), 60)).toEqual(utc('2026-03-09T08:01:00Z'));
  });

  it('jumps over the DST weekend and a holiday', () => {
    // Fri 2026-03-27 16:00 CET (15:00Z) + 7200: Fri 16–17 (3600), then Mon 09:00 CEST + 3600 = 10:00 local = 08:00Z
    expect(addBusinessSeconds(office, utc('2026-03-27T15:00:00Z'), 7200)).toEqual(utc('2026-03-30T08:00:00Z'));
    // Fri 2026-04-03 16:30 CEST (14:30Z) + 3600: Fri 16:30–17:00 (1800), Mon holiday, Tue 09:00 + 1800 = 09:30 local = 07:30Z
    expect(addBusinessSeconds(office, utc('2026-04-03T14:30:00Z'), 3600)).toEqual(utc('2026-04-07T07:30:00Z'));
  });

  it('is the inverse of businessSeconds', () => {
    const from = utc('2026-03-26T15:17:00Z');
    for (const seconds of [1, 600, 3600 * 7, 3600 * 30]) {
      expect(businessSeconds(office, from, addBusinessSeconds(office, from, seconds))).toBe(seconds);
    }
  });
});
