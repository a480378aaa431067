import { describe, expect, it } from '@jest/globals';
import { isRefusal, resolvePeriod } from './report-period.js';

const now = new Date('2026-03-05T12:00:00Z');

describe('resolvePeriod', () => {
  it('defaults to the 7 days up to now', () => {
    expect(resolvePeriod({}, now)).toEqual({ from: new Date('2026-02-26T12:00:00Z'), to: now });
  });

  it('counts a default from back from the given to, and a default to from now', () => {
    expect(resolvePeriod({ to: '2026-03-01T00:00:00Z' }, now)).toEqual({
      from: new Date('2026-02-22T00:00:00Z'),
      to: new Date('2026-03-01T00:00:00Z'),
    });
    expect(resolvePeriod({ from: '2026-03-04T23:00:00+01:00' }, now)).toEqual({
      from: new Date('2026-03-04T22:00:00Z'),
      to: now,
    });
  });

  it('refuses a period that ends before it starts, or is empty', () => {
    const reversed = resolvePeriod({ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, now);
    expect(reversed).toEqual({
      reason: 'period_reversed',
      message: 'from (2026-03-02T00:00:00.000Z) must be before to (2026-03-01T00:00:00.000Z)',
    });
    expect(isRefusal(resolvePeriod({ from: '2026-03-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, now))).toBe(true);
    // A from after now with the default to: reversed as well.
    expect(resolvePeriod({ from: '2026-03-06T00:00:00Z' }, now)).toMatchObject({ reason: 'period_reversed' });
  });

  it('allows a leap year and refuses anything longer', () => {
    expect(isRefusal(resolvePeriod({ from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, now))).toBe(false);
    const long = resolvePeriod({ from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:01Z' }, now);
    expect(long).toMatchObject({ reason: 'period_too_long' });
    expect(isRefusal(long) && long.message).toBe(
      'a report covers at most 366 days; from 2024-01-01T00:00:00.000Z to 2025-01-01T00:00:01.000Z is 367 days',
    );
  });
});
