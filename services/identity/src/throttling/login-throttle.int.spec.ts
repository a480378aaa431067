import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RateLimitedError } from '@livedesk/service-kit';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { LoginThrottle } from './login-throttle.js';

const policy = { freeFailuresPerAccount: 2, freeFailuresPerAddress: 100, windowSeconds: 60, maxLockoutSeconds: 4 };

async function lockoutOf(
  throttle: LoginThrottle,
  attempt: { account: string | undefined; address: string },
): Promise<number> {
  try {
    await throttle.requireNotLockedOut(attempt);
    return 0;
  } catch (error) {
    if (error instanceof RateLimitedError) return error.retryAfterSeconds;
    throw error;
  }
}

describe('LoginThrottle', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await createTestRedis();
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('counts failures in Redis, so that two replicas lock an account out together, with a doubling lockout', async () => {
    const [one, two] = [
      new LoginThrottle(redis.client, 'shared', policy),
      new LoginThrottle(redis.client, 'shared', policy),
    ];
    const attempt = (address: string) => ({ account: 'ann@example.test', address });
    await one.failed(attempt('192.0.2.1'));
    await two.failed(attempt('192.0.2.2'));
    expect(await lockoutOf(one, attempt('192.0.2.3'))).toBe(0);
    await two.failed(attempt('192.0.2.4'));
    expect(await lockoutOf(one, attempt('192.0.2.5'))).toBe(1);
    await one.failed(attempt('192.0.2.6'));
    expect(await lockoutOf(two, attempt('192.0.2.7'))).toBe(2);
    // Another account from the same addresses is not locked.
    expect(await lockoutOf(two, { account: 'bob@example.test', address: '192.0.2.7' })).toBe(0);
    // A right password forgets the account's failures.
    await one.succeeded(attempt('192.0.2.8'));
    await one.failed(attempt('192.0.2.9'));
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await lockoutOf(two, attempt('192.0.2.10'))).toBe(0);
  });

  it('keeps throttling in memory while Redis does not answer', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    try {
      const throttle = new LoginThrottle(unreachable, 'away', policy);
      const attempt = { account: 'cid@example.test', address: '192.0.2.20' };
      for (let n = 0; n <= policy.freeFailuresPerAccount; n++) await throttle.failed(attempt);
      expect(await lockoutOf(throttle, attempt)).toBe(1);
    } finally {
      unreachable.disconnect();
    }
  });
});
