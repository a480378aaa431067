import { describe, expect, it } from '@jest/globals';
import { HandlerFailures } from './handler-failures.js';

describe('HandlerFailures', () => {
  it('parks an event at its parkAfter-th failure, and an event at a time', () => {
    const failures = new HandlerFailures(3);
    expect(failures.failed('a')).toEqual({ attempts: 1, park: false });
    expect(failures.failed('b')).toEqual({ attempts: 1, park: false });
    expect(failures.failed('a')).toEqual({ attempts: 2, park: false });
    expect(failures.failed('a')).toEqual({ attempts: 3, park: true });
    expect(failures.isSuspect('b')).toBe(true);
  });

  it('keeps the count until the event is settled, so a failed park is tried again at the next failure', () => {
    const failures = new HandlerFailures(2);
    failures.failed('a');
    expect(failures.failed('a').park).toBe(true);
    expect(failures.failed('a')).toEqual({ attempts: 3, park: true });
    failures.settled('a');
    expect(failures.isSuspect('a')).toBe(false);
    expect(failures.failed('a')).toEqual({ attempts: 1, park: false });
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new HandlerFailures(0)).toThrow(/positive integer/);
    expect(() => new HandlerFailures(1.5)).toThrow(/positive integer/);
  });

  it('waits longer after each failure, 30 s at the most', () => {
    expect([1, 2, 3, 4].map(HandlerFailures.retryDelayMs)).toEqual([200, 400, 800, 1600]);
    expect(HandlerFailures.retryDelayMs(20)).toBe(30_000);
  });
});
