import { describe, expect, it } from '@jest/globals';
import { isOpenAt, wallClock, type BusinessHours } from './business-hours.js';

const weekdays = (zone: string, from = '09:00', to = '17:00'): BusinessHours => ({
  time_zone: zone,
  weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from, to })),
});

describe('business hours: open or closed at an instant', () => {
  it('no hours: always open', () => {
    expect(isOpenAt(null, new Date('2026-12-05T03:00:00Z'))).toBe(true);
    expect(isOpenAt(undefined, new Date('2026-12-06T23:59:00Z'))).toBe(true);
  });

  it('reads the wall clock of the organization, not of the browser or UTC', () => {
    const warsaw = weekdays('Europe/Warsaw');
    // Monday 2026-12-07: 08:30 UTC is 09:30 in Warsaw (UTC+1 in winter): open; 16:30 UTC is 17:30: closed.
    expect(isOpenAt(warsaw, new Date('2026-12-07T08:30:00Z'))).toBe(true);
    expect(isOpenAt(warsaw, new Date('2026-12-07T07:59:00Z'))).toBe(false);
    expect(isOpenAt(warsaw, new Date('2026-12-07T15:59:00Z'))).toBe(true);
    expect(isOpenAt(warsaw, new Date('2026-12-07T16:00:00Z'))).toBe(false);
    // The same instant is Monday 03:30 in New York (UTC-5): closed there.
    expect(isOpenAt(weekdays('America/New_York'), new Date('2026-12-07T08:30:00Z'))).toBe(false);
  });

  it('the weekday is the local one across midnight: Friday evening in Los Angeles is Saturday in UTC', () => {
    const la = weekdays('America/Los_Angeles', '09:00', '24:00');
    // Saturday 2026-12-12 03:00 UTC is Friday 19:00 in Los Angeles.
    expect(wallClock('America/Los_Angeles', new Date('2026-12-12T03:00:00Z'))).toEqual({
      date: '2026-12-11',
      day: 'fri',
      time: '19:00',
    });
    expect(isOpenAt(la, new Date('2026-12-12T03:00:00Z'))).toBe(true);
    // And 24:00 closes at local midnight: Saturday 00:00 in Los Angeles is closed.
    expect(isOpenAt(la, new Date('2026-12-12T08:00:00Z'))).toBe(false);
  });

  it('09:00–17:00 stays 09:00–17:00 local across a daylight-saving change (Europe/Warsaw, 2026-03-29 and 2026-10-25)', () => {
    const every = (zone: string): BusinessHours => ({
      time_zone: zone,
      weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({
        day,
        from: '09:00',
        to: '17:00',
      })),
    });
    const warsaw = every('Europe/Warsaw');
    // Saturday before the spring change: 09:00 local is 08:00 UTC.
    expect(isOpenAt(warsaw, new Date('2026-03-28T08:00:00Z'))).toBe(true);
    expect(isOpenAt(warsaw, new Date('2026-03-28T07:59:00Z'))).toBe(false);
    // Sunday after it (UTC+2): 09:00 local is 07:00 UTC, 17:00 local is 15:00 UTC.
    expect(isOpenAt(warsaw, new Date('2026-03-29T07:00:00Z'))).toBe(true);
    expect(isOpenAt(warsaw, new Date('2026-03-29T06:59:00Z'))).toBe(false);
    expect(isOpenAt(warsaw, new Date('2026-03-29T15:00:00Z'))).toBe(false);
    // Sunday of the autumn change, back to UTC+1: 09:00 local is 08:00 UTC again.
    expect(isOpenAt(warsaw, new Date('2026-10-25T07:30:00Z'))).toBe(false);
    expect(isOpenAt(warsaw, new Date('2026-10-25T08:00:00Z'))).toBe(true);
  });

  it('the skipped hour of a spring change: 02:30 never happens locally, the clock reads 03:30', () => {
    // 2026-03-08 in New York: 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
    expect(wallClock('America/New_York', new Date('2026-03-08T07:30:00Z')).time).toBe('03:30');
    const night: BusinessHours = {
      time_zone: 'America/New_York',
      weekly: [{ day: 'sun', from: '02:00', to: '03:00' }],
    };
    expect(isOpenAt(night, new Date('2026-03-08T06:59:00Z'))).toBe(false); // 01:59 EST
    expect(isOpenAt(night, new Date('2026-03-08T07:00:00Z'))).toBe(false); // 03:00 EDT: the hour was skipped
  });

  it('a holiday is a local date closed all day, in the organization zone', () => {
    const tokyo: BusinessHours = { ...weekdays('Asia/Tokyo', '00:00', '24:00'), holidays: ['2026-12-07'] };
    // 2026-12-06T15:00Z is Monday 2026-12-07 00:00 in Tokyo: the holiday.
    expect(isOpenAt(tokyo, new Date('2026-12-06T15:00:00Z'))).toBe(false);
    expect(isOpenAt(tokyo, new Date('2026-12-06T14:59:00Z'))).toBe(false); // Sunday in Tokyo: not a weekday
    expect(isOpenAt(tokyo, new Date('2026-12-07T15:00:00Z'))).toBe(true); // Tuesday
  });

  it('several intervals a day: closed over lunch', () => {
    const split: BusinessHours = {
      time_zone: 'UTC',
      weekly: [
        { day: 'mon', from: '09:00', to: '12:00' },
        { day: 'mon', from: '13:00', to: '17:00' },
      ],
    };
    expect(isOpenAt(split, new Date('2026-12-07T11:59:00Z'))).toBe(true);
    expect(isOpenAt(split, new Date('2026-12-07T12:30:00Z'))).toBe(false);
    expect(isOpenAt(split, new Date('2026-12-07T13:00:00Z'))).toBe(true);
  });

  it('a zone the browser does not know counts as open rather than locking visitors out', () => {
    expect(
      isOpenAt(
        { time_zone: 'Mars/Olympus_Mons', weekly: [{ day: 'mon', from: '09:00', to: '10:00' }] },
        new Date('2026-12-05T03:00:00Z'),
      ),
    ).toBe(true);
  });
});
