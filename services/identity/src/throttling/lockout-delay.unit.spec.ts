import { describe, expect, it } from '@jest/globals';
import { lockoutSeconds } from './lockout-delay.js';

describe('lockoutSeconds', () => {
  it('lets the free failures pass, then doubles the lockout with each further failure', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((failures) => lockoutSeconds(failures, 5, 900))).toEqual([
      0, 0, 0, 0, 0, 1, 2, 4, 8,
    ]);
  });

  it('never locks out longer than the maximum, however many failures', () => {
    expect(lockoutSeconds(20, 5, 900)).toBe(900);
    expect(lockoutSeconds(10_000, 5, 60)).toBe(60);
  });
});
