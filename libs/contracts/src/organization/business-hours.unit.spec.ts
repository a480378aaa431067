import { describe, expect, it } from '@jest/globals';
import { BusinessHours, isOpenAt } from './business-hours.js';

const hours = BusinessHours.parse({
  time_zone: 'Europe/Warsaw',
  weekly: [
    { day: 'mon', from: '09:00', to: '12:00' },
    { day: 'mon', from: '13:00', to: '17:00' },
    { day: 'sat', from: '10:00', to: '24:00' },
  ],
  holidays: ['2026-12-28'],
});

describe('isOpenAt: whether an organization takes chats (start_chat)', () => {
  it('is always open without hours', () => {
    expect(isOpenAt(null, new Date('2026-03-02T03:00:00Z'))).toBe(true);
    expect(isOpenAt(undefined, new Date('2026-03-02T03:00:00Z'))).toBe(true);
  });

  it.each([
    ['2026-03-02T07:59:00Z', false], // Monday 08:59 in Warsaw (UTC+1)
    ['2026-03-02T08:00:00Z', true], // 09:00: `from` is included
    ['2026-03-02T10:59:00Z', true], // 11:59
    ['2026-03-02T11:00:00Z', false], // 12:00: `to` is excluded, the lunch break
    ['2026-03-02T12:30:00Z', true], // 13:30
    ['2026-03-03T10:00:00Z', false], // Tuesday: no interval
    ['2026-03-07T22:59:00Z', true], // Saturday 23:59: open until midnight (24:00)
    ['2026-03-07T23:00:00Z', false], // Sunday 00:00
    ['2026-07-06T07:30:00Z', true], // Monday 09:30 in summer time (UTC+2)
    ['2026-12-28T10:00:00Z', false], // a Monday that is a holiday
  ])('at %s: %s', (at, open) => {
    expect(isOpenAt(hours, new Date(at))).toBe(open);
  });
});
