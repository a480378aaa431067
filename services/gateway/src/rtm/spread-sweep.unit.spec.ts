import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sliceOf, SpreadSweep } from './spread-sweep.js';

function recordingSweep(items: string[], periodMs: number) {
  const visits: string[][] = [];
  const sweep = new SpreadSweep<string>({
    periodMs,
    items: () => items,
    keyOf: (item) => item,
    visit: (slice) => visits.push(slice),
  });
  return { sweep, visits };
}

describe('SpreadSweep: every item once a period, a slice at a time', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('puts random ids evenly into slices, and the same id always into the same one', () => {
    const ids = Array.from({ length: 30_000 }, () => randomUUID());
    const counts = new Array<number>(30).fill(0);
    for (const id of ids) counts[sliceOf(id, 30)]! += 1;
    // 1,000 a slice on average: none far from it.
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1150);
    for (const id of ids.slice(0, 100)) expect(sliceOf(id, 30)).toBe(sliceOf(id, 30));
  });

  it('visits each item once in a period of ticks, in the same tick every period', () => {
    const items = Array.from({ length: 3000 }, () => randomUUID());
    const { sweep, visits } = recordingSweep(items, 30_000);
    expect(sweep.slices).toBe(30);
    for (let i = 0; i < 60; i++) sweep.tick();
    const first = visits.slice(0, 30);
    const second = visits.slice(30);
    expect(first.flat().sort()).toEqual([...items].sort());
    expect(second).toEqual(first);
    // Spread: no tick carries much more than its share (100).
    expect(Math.max(...first.map((slice) => slice.length))).toBeLessThan(150);
  });

  it('visits an item that came midway in its own slice, and every item at every tick when the period is one tick', () => {
    const items = ['a', 'b'];
    const { sweep, visits } = recordingSweep(items, 4000);
    for (let i = 0; i < 4; i++) sweep.tick();
    items.push('c');
    for (let i = 0; i < 4; i++) sweep.tick();
    expect(visits.slice(4).flat().sort()).toEqual(['a', 'b', 'c']);
    expect(visits[4 + sliceOf('c', 4)]).toContain('c');

    const short = recordingSweep(['x', 'y'], 500);
    expect(short.sweep.slices).toBe(1);
    short.sweep.tick();
    short.sweep.tick();
    expect(short.visits).toEqual([
      ['x', 'y'],
      ['x', 'y'],
    ]);
  });

  it('runs a tick every period divided by the slices once started, until stopped', () => {
    jest.useFakeTimers();
    const items = Array.from({ length: 200 }, () => randomUUID());
    const { sweep, visits } = recordingSweep(items, 20_000);
    sweep.start();
    jest.advanceTimersByTime(999);
    expect(visits).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(visits).toHaveLength(1);
    jest.advanceTimersByTime(19_000);
    expect(visits).toHaveLength(20);
    expect(visits.flat().sort()).toEqual([...items].sort());
    sweep.stop();
    jest.advanceTimersByTime(60_000);
    expect(visits).toHaveLength(20);
  });
});
