import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimitedError } from '@livedesk/service-kit';
import { lockoutSeconds } from './lockout-delay.js';
import type { LoginAttempt } from './login-attempt.js';

export interface LoginThrottlePolicy {
  freeFailuresPerAccount: number;
  freeFailuresPerAddress: number;
  windowSeconds: number;
  maxLockoutSeconds: number;
}

type Scope = 'account' | 'address';

/**
 * Wrong passwords, counted per account and per client address in Redis (so the count holds
 * across identity replicas), and the lockouts they earn (`lockoutSeconds`). A locked-out
 * attempt is refused before any password is hashed: 429 `rate_limited` with `Retry-After`.
 * Unknown emails are counted like known ones, so the answers do not tell which exist. While
 * Redis does not answer, each replica counts on its own (the library's insurance limiter in
 * memory), so that logins neither fail nor go unthrottled.
 */
export class LoginThrottle {
  /** Failures per `account:<email>` and `address:<ip>`, over the window from the first. */
  private readonly failures: RateLimiterRedis;
  /** A key here is locked while blocked (`block` stores more points than the limit allows). */
  private readonly lockouts: RateLimiterRedis;

  constructor(
    redis: Redis,
    keyPrefix: string,
    private readonly policy: LoginThrottlePolicy,
  ) {
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${keyPrefix}:${name}`,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration }),
      });
    this.failures = limiter('login-failures', 1_000_000, policy.windowSeconds);
    this.lockouts = limiter('login-lockouts', 1, 1);
  }

  /** Throws `RateLimitedError` while the account or the address is locked out. */
  async requireNotLockedOut(attempt: LoginAttempt): Promise<void> {
    const locks = await Promise.all(this.keysOf(attempt).map(({ key }) => this.lockouts.get(key)));
    const waitMs = Math.max(0, ...locks.map((lock) => (lock && lock.consumedPoints > 1 ? lock.msBeforeNext : 0)));
    if (waitMs > 0) throw new RateLimitedError('too many failed logins; try again later', waitMs, 'login_throttled');
  }

  /** Counts a wrong password (or API key) and locks out whatever has had too many. */
  async failed(attempt: LoginAttempt): Promise<void> {
    await Promise.all(
      this.keysOf(attempt).map(async ({ scope, key }) => {
        const counted = await this.failures.penalty(key, 1);
        const free = scope === 'account' ? this.policy.freeFailuresPerAccount : this.policy.freeFailuresPerAddress;
        const seconds = lockoutSeconds(counted.consumedPoints, free, this.policy.maxLockoutSeconds);
        if (seconds > 0) await this.lockouts.block(key, seconds);
      }),
    );
  }

  /** A right password forgets the account's failures (not the address's: one right guess among many wrong ones proves little). */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    if (attempt.account === undefined) return;
    await this.failures.delete(`account:${attempt.account}`);
  }

  private keysOf(attempt: LoginAttempt): { scope: Scope; key: string }[] {
    const keys: { scope: Scope; key: string }[] = [{ scope: 'address', key: `address:${attempt.address}` }];
    if (attempt.account !== undefined) keys.push({ scope: 'account', key: `account:${attempt.account}` });
    return keys;
  }
}
