import { describe, expect, it } from '@jest/globals';
import { localDay, localDaysBetween } from './local-day.js';

describe('localDay', () => {
  it('answers the date in the zone, on both sides of local midnight', () => {
    // 23:59:59 and 00:00 in Warsaw (CET, +01:00) are 22:59:59Z and 23:00Z.
    expect(localDay(Date.parse('2026-03-02T22:59:59.999Z'), 'Europe/Warsaw')).toBe('2026-03-02');
    expect(localDay(Date.parse('2026-03-02T23:00:00Z'), 'Europe/Warsaw')).toBe('2026-03-03');
    expect(localDay(Date.parse('2026-03-02T23:00:00Z'), 'UTC')).toBe('2026-03-02');
  });

  it('takes a zone whose offset is not whole hours (Nepal, +05:45)', () => {
    expect(localDay(Date.parse('2026-03-02T18:14:59Z'), 'Asia/Kathmandu')).toBe('2026-03-02');
    expect(localDay(Date.parse('2026-03-02T18:15:00Z'), 'Asia/Kathmandu')).toBe('2026-03-03');
  });
});

describe('localDaysBetween', () => {
  it('lists every local day a stretch touches, across the spring-forward night (a 23-hour day)', () => {
    // Sat 2026-03-28 12:00 CET to Tue 2026-03-31 01:00 CEST.
    expect(
      localDaysBetween(Date.parse('2026-03-28T11:00:00Z'), Date.parse('2026-03-30T23:00:00Z'), 'Europe/Warsaw'),
    ).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
  });

  it('answers one day for a stretch within it, and for an empty one', () => {
    const at = Date.parse('2026-03-02T10:00:00Z');
    expect(localDaysBetween(at, at + 3_600_000, 'Europe/Warsaw')).toEqual(['2026-03-02']);
    expect(localDaysBetween(at, at, 'Europe/Warsaw')).toEqual(['2026-03-02']);
  });
});
