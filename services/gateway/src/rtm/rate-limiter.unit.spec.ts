import { describe, expect, it } from '@jest/globals';
import { TokenBucket } from './rate-limiter.js';

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
