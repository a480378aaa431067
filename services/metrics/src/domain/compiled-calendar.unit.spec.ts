import { describe, expect, it } from '@jest/globals';
import { BusinessCalendar } from './business-calendar.js';
import { CompiledCalendar } from './compiled-calendar.js';
import { openingWindows } from './opening-windows.js';

/** The plain walk through the days (the definition), to check the compiled arrays against. */
function openMsByWalk(calendar: BusinessCalendar, a: number, b: number): number {
  let total = 0;
  for (const window of openingWindows(calendar, a)) {
    if (window.start >= b) break;
    total += Math.max(0, Math.min(window.end, b) - Math.max(window.start, a));
  }
  return total;
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const calendars = {
  // Two intervals a day, a DST change (2026-03-29) and a holiday (Easter Monday).
  warsaw: BusinessCalendar.parse({
    time_zone: 'Europe/Warsaw',
    weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).flatMap((day) => [
      { day, from: '09:00', to: '12:00' },
      { day, from: '13:00', to: '17:00' },
    ]),
    holidays: ['2026-04-06'],
  }),
  // Open through midnight: adjacent windows that touch.
  nights: BusinessCalendar.parse({
    time_zone: 'America/New_York',
    weekly: [
      { day: 'fri', from: '18:00', to: '24:00' },
      { day: 'sat', from: '00:00', to: '24:00' },
      { day: 'sun', from: '00:00', to: '06:00' },
    ],
  }),
};

describe('CompiledCalendar', () => {
  for (const [name, calendar] of Object.entries(calendars)) {
    it(`agrees with the walk through the days over random ranges (${name})`, () => {
      const next = random(name.length);
      const compiled = new CompiledCalendar(calendar);
      const base = Date.parse('2026-03-01T00:00:00Z');
      for (let i = 0; i < 400; i++) {
        // Ranges from seconds to months, anywhere in a year, in random order (extends both ways).
        const a = base + Math.floor((next() - 0.3) * 365 * 86_400_000);
        const b = a + Math.floor(next() ** 3 * 60 * 86_400_000);
        expect(compiled.openMs(a, b)).toBe(openMsByWalk(calendar, a, b));
      }
    });

    it(`adds open time as the inverse of openMs (${name})`, () => {
      const next = random(name.length + 7);
      const compiled = new CompiledCalendar(calendar);
      const base = Date.parse('2026-03-20T00:00:00Z');
      for (let i = 0; i < 200; i++) {
        const a = base + Math.floor(next() * 30 * 86_400_000);
        const ms = Math.floor(next() ** 2 * 40 * 3_600_000) + 1;
        const due = compiled.addOpenMs(a, ms);
        expect(openMsByWalk(calendar, a, due)).toBe(ms);
        // …and it is the earliest such instant: a millisecond before, it is not reached yet.
        expect(openMsByWalk(calendar, a, due - 1)).toBe(ms - 1);
      }
    });
  }
});
