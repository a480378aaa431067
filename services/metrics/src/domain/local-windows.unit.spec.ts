import { describe, expect, it } from '@jest/globals';
import { dayWindow, daysBefore, hoursOfWeeks, reportZone, yesterday } from './local-windows.js';

describe('local days', () => {
  it('finds yesterday in the organization zone, not in UTC', () => {
    // 23:30 UTC on March 4th is already March 5th in Warsaw.
    expect(yesterday(new Date('2026-03-04T23:30:00Z'), 'Europe/Warsaw')).toBe('2026-03-04');
    expect(yesterday(new Date('2026-03-04T23:30:00Z'), 'UTC')).toBe('2026-03-03');
  });

  it('gives a local day as instants, 23 hours long on the change to summer time', () => {
    expect(dayWindow('2026-03-04', 'Europe/Warsaw')).toEqual({
      from: new Date('2026-03-03T23:00:00Z'),
      to: new Date('2026-03-04T23:00:00Z'),
    });
    const spring = dayWindow('2026-03-29', 'Europe/Warsaw');
    expect(spring).toEqual({ from: new Date('2026-03-28T23:00:00Z'), to: new Date('2026-03-29T22:00:00Z') });
    expect(dayWindow('2026-03-04', 'Asia/Kolkata')).toEqual({
      from: new Date('2026-03-03T18:30:00Z'),
      to: new Date('2026-03-04T18:30:00Z'),
    });
  });

  it('counts days before a date across a month end', () => {
    expect(daysBefore('2026-03-02', 3)).toEqual(['2026-03-01', '2026-02-28', '2026-02-27']);
  });

  it('falls back to UTC for a zone it does not know', () => {
    expect(reportZone('Europe/Warsaw')).toBe('Europe/Warsaw');
    expect(reportZone('Mars/Olympus')).toBe('UTC');
    expect(reportZone(undefined)).toBe('UTC');
  });
});

describe('hoursOfWeeks', () => {
  it('covers whole local days before today, each hour labelled by its local start', () => {
    const window = hoursOfWeeks(new Date('2026-03-05T12:00:00Z'), 4, 'Europe/Warsaw');
    expect(window.from).toEqual(new Date('2026-02-04T23:00:00Z'));
    expect(window.to).toEqual(new Date('2026-03-04T23:00:00Z'));
    expect(window.hours).toHaveLength(4 * 168);
    // Thursday 2026-02-05 00:00 in Warsaw is 2026-02-04 23:00 UTC.
    expect(window.hours[0]).toEqual({ start: new Date('2026-02-04T23:00:00Z'), day: 'thu', hour: 0 });
    expect(window.hours.at(-1)).toEqual({ start: new Date('2026-03-04T22:00:00Z'), day: 'wed', hour: 23 });
  });

  it('skips the hour that does not exist in spring and counts the repeated one twice in autumn', () => {
    // New York moved to summer time on Sunday 2026-03-08 at 02:00: that week has 167 hours.
    const spring = hoursOfWeeks(new Date('2026-03-12T12:00:00Z'), 1, 'America/New_York');
    expect(spring.hours).toHaveLength(167);
    expect(spring.hours.filter((h) => h.day === 'sun' && h.hour === 2)).toHaveLength(0);
    expect(spring.hours.filter((h) => h.day === 'sun' && h.hour === 3)).toHaveLength(1);
    // Warsaw went back to winter time on Sunday 2026-10-25 at 03:00: 02:00–03:00 happened twice.
    const autumn = hoursOfWeeks(new Date('2026-10-28T12:00:00Z'), 1, 'Europe/Warsaw');
    expect(autumn.hours).toHaveLength(169);
    expect(autumn.hours.filter((h) => h.day === 'sun' && h.hour === 2)).toHaveLength(2);
  });

  it('labels the hours of a zone with a half-hour offset by its local hours', () => {
    const window = hoursOfWeeks(new Date('2026-03-05T12:00:00Z'), 1, 'Asia/Kolkata');
    expect(window.hours[0]).toEqual({ start: new Date('2026-02-25T18:30:00Z'), day: 'thu', hour: 0 });
    expect(new Set(window.hours.map((h) => `${h.day} ${h.hour}`)).size).toBe(168);
  });
});
