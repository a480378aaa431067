import { describe, expect, it } from '@jest/globals';
import { erlangC, serversNeeded, serviceLevel } from './erlang-c.js';

describe('erlangC', () => {
  it('gives the closed forms of small queues', () => {
    // M/M/1: an arrival waits whenever the server is busy, with probability ρ = A.
    expect(erlangC(1, 0.3)).toBeCloseTo(0.3, 12);
    // M/M/2 with ρ = A/2 = 0.5: P(wait) = 2ρ² / (1 + ρ) = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // N = 3, A = 2 by the textbook formula: (8/6 · 3/1) / (1 + 2 + 2 + 4) = 4/9.
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
  });

  it('matches the published worked example (100 chats per 30 minutes, 180 s handle time: 10 erlangs)', () => {
    // Call Centre Helper, "Erlang C Formula – Made Simple": with 11 agents 68.21 % of contacts wait.
    expect(erlangC(11, 10)).toBeCloseTo(0.682118, 6);
    expect(erlangC(12, 10)).toBeCloseTo(0.449388, 6);
    expect(erlangC(13, 10)).toBeCloseTo(0.28527, 5);
    expect(erlangC(14, 10)).toBeCloseTo(0.174132, 6);
  });

  it('stays exact where the textbook formula overflows a double (500 erlangs)', () => {
    // 500^520 / 520! is far beyond Number.MAX_VALUE; the value is from 60-digit arithmetic.
    expect(erlangC(520, 500)).toBeCloseTo(0.2747563447, 9);
  });

  it('has everyone wait at or over capacity, and no one without traffic', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangC(3, 7.5)).toBe(1);
    expect(erlangC(0, 0)).toBe(0);
    expect(erlangC(4, 0)).toBe(0);
  });

  it('refuses impossible input', () => {
    expect(() => erlangC(2.5, 1)).toThrow(RangeError);
    expect(() => erlangC(-1, 1)).toThrow(RangeError);
    expect(() => erlangC(3, -0.1)).toThrow(RangeError);
    expect(() => erlangC(3, Number.NaN)).toThrow(RangeError);
  });
});

describe('serviceLevel', () => {
  it('is the share answered within the target (the worked example, 20 s target)', () => {
    expect(serviceLevel(11, 10, 20, 180)).toBeCloseTo(0.389614, 6);
    expect(serviceLevel(12, 10, 20, 180)).toBeCloseTo(0.640158, 6);
    expect(serviceLevel(13, 10, 20, 180)).toBeCloseTo(0.795595, 6);
    expect(serviceLevel(14, 10, 20, 180)).toBeCloseTo(0.88835, 5);
  });

  it('is 1 − C for a zero target, 0 over capacity, 1 without traffic', () => {
    expect(serviceLevel(3, 2, 0, 60)).toBeCloseTo(5 / 9, 12);
    expect(serviceLevel(2, 2, 20, 60)).toBe(0);
    expect(serviceLevel(2, 0, 20, 60)).toBe(1);
    expect(() => serviceLevel(2, 1, 20, 0)).toThrow(RangeError);
  });
});

describe('serversNeeded', () => {
  it('is the fewest servers that reach the goal (the worked example needs 14 for 80 % in 20 s)', () => {
    expect(serversNeeded({ traffic: 10, handleSeconds: 180, targetSeconds: 20, serviceLevel: 0.8 })).toBe(14);
    // 13 servers reach 79.56 %: a goal just under that needs 13.
    expect(serversNeeded({ traffic: 10, handleSeconds: 180, targetSeconds: 20, serviceLevel: 0.795 })).toBe(13);
    // 15 reach 94.15 %, 16 reach 97.06 %.
    expect(serversNeeded({ traffic: 10, handleSeconds: 180, targetSeconds: 20, serviceLevel: 0.95 })).toBe(16);
  });

  it('scales to large centres (500 erlangs: 510 servers, 509 reach only 78.4 %)', () => {
    expect(serversNeeded({ traffic: 500, handleSeconds: 180, targetSeconds: 20, serviceLevel: 0.8 })).toBe(510);
  });

  it('always has more servers than erlangs, and none without traffic', () => {
    // A long target makes nearly any stable queue good enough: the smallest stable one.
    expect(serversNeeded({ traffic: 2.5, handleSeconds: 60, targetSeconds: 3600, serviceLevel: 0.8 })).toBe(3);
    expect(serversNeeded({ traffic: 0, handleSeconds: 60, targetSeconds: 20, serviceLevel: 0.8 })).toBe(0);
  });

  it('refuses a goal outside (0, 1)', () => {
    expect(() => serversNeeded({ traffic: 1, handleSeconds: 60, targetSeconds: 20, serviceLevel: 1 })).toThrow(
      RangeError,
    );
    expect(() => serversNeeded({ traffic: 1, handleSeconds: 60, targetSeconds: 20, serviceLevel: 0 })).toThrow(
      RangeError,
    );
  });
});
