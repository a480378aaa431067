import { describe, expect, it } from '@jest/globals';
import { canonicalTimeZone } from './time-zone.js';

describe('canonicalTimeZone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['Europe/Warsaw', 'Europe/Warsaw'],
    ['europe/warsaw', 'Europe/Warsaw'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['asia/calcutta', 'Asia/Calcutta'],
  ])('names %s as %s', (given, canonical) => {
    expect(canonicalTimeZone(given)).toBe(canonical);
  });

  it.each(['Mars/Olympus_Mons', '+01:00', '-05:00', 'CEST', '', 'Europe/'])('refuses %j', (given) => {
    expect(canonicalTimeZone(given)).toBeUndefined();
  });
});
