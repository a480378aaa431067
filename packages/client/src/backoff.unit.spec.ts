import { describe, expect, it } from '@jest/globals';
import { backoffDelay, retryDelay } from './backoff.js';

describe('backoffDelay', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 };

  it('doubles the step per attempt and stays between half the step and the step', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([100, 200, 400, 800]);
  });

  it('is capped at the longest delay', () => {
    expect(backoffDelay(20, options, () => 1)).toBe(1_000);
    expect(backoffDelay(20, options, () => 0)).toBe(500);
  });

  it('spreads clients apart with jitter', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, options)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('retryDelay', () => {
  it("waits at least the server's hint and at most half as long again", () => {
    expect(retryDelay(1_200, () => 0)).toBe(1_200);
    expect(retryDelay(1_200, () => 1)).toBe(1_800);
    expect(retryDelay(undefined, () => 0)).toBe(1_000);
  });

  it('spreads a crowd refused together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(1_000)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
