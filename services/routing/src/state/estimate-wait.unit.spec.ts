import { describe, expect, it } from '@jest/globals';
import { estimateWaitSeconds } from './estimate-wait.js';

describe('estimateWaitSeconds', () => {
  it('divides the position by the drain rate of the last 15 minutes once 10 chats drained', () => {
    // 30 assignments in 900 s: one every 30 s.
    expect(estimateWaitSeconds({ position: 1, drainedInWindow: 30, medianWaitMs: 5_000 })).toBe(30);
    expect(estimateWaitSeconds({ position: 4, drainedInWindow: 30, medianWaitMs: 5_000 })).toBe(120);
    expect(estimateWaitSeconds({ position: 1, drainedInWindow: 10, medianWaitMs: null })).toBe(90);
  });

  it('rounds up to whole seconds', () => {
    expect(estimateWaitSeconds({ position: 1, drainedInWindow: 7_000, medianWaitMs: null })).toBe(1);
  });

  it('falls back to the median queue time of the day below 10 drained chats, whatever the position', () => {
    expect(estimateWaitSeconds({ position: 1, drainedInWindow: 9, medianWaitMs: 12_400 })).toBe(13);
    expect(estimateWaitSeconds({ position: 7, drainedInWindow: 0, medianWaitMs: 12_000 })).toBe(12);
  });

  it('knows nothing without either', () => {
    expect(estimateWaitSeconds({ position: 3, drainedInWindow: 9, medianWaitMs: null })).toBeNull();
  });
});
