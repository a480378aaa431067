import { describe, expect, it } from '@jest/globals';
import { FrameRateLimit, TokenBucket } from './rate-limiter.js';

describe('TokenBucket', () => {
  it('lets a burst through, then refuses with the wait until the next token', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(100);
    now = 50;
    expect(bucket.take()).toBe(50);
    now = 100;
    expect(bucket.take()).toBe(0);
  });

  it('refills up to the burst, never above it', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 2, () => now);
    now = 10_000;
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBeGreaterThan(0);
  });
});

describe('FrameRateLimit', () => {
  it('refuses frames above the limit, then closes a socket that keeps flooding', () => {
    const now = 0;
    const limit = new FrameRateLimit({ ratePerSecond: 10, burst: 2, floodAllowance: 3 }, () => now);
    expect([limit.admit(), limit.admit()]).toEqual([{ kind: 'pass' }, { kind: 'pass' }]);
    expect([limit.admit(), limit.admit(), limit.admit()].map((admission) => admission.kind)).toEqual([
      'refuse',
      'refuse',
      'refuse',
    ]);
    expect(limit.admit()).toEqual({ kind: 'close' });
  });

  it('forgives refusals of a client that slows down', () => {
    let now = 0;
    const limit = new FrameRateLimit({ ratePerSecond: 10, burst: 1, floodAllowance: 2 }, () => now);
    for (let second = 0; second < 5; second += 1) {
      expect(limit.admit().kind).toBe('pass');
      expect(limit.admit().kind).toBe('refuse');
      now += 1000;
    }
  });
});
