import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '@livedesk/service-kit';

/**
 * Customer tokens per client address and minute, in Redis (shared by the replicas). Each
 * anonymous token is a customer row: unthrottled, one script made 200 in under a second.
 */
export class CustomerTokenThrottle {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, keyPrefix: string, perMinute: number) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:customer-tokens`,
      points: perMinute,
      duration: 60,
      // While Redis does not answer, each replica counts on its own.
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'customer-tokens', points: perMinute, duration: 60 }),
    });
  }

  /** Throws `RateLimitedError` once the address has had its tokens of the minute. */
  async take(address: string): Promise<void> {
    try {
      await this.limiter.consume(address);
    } catch (error) {
      if (error instanceof RateLimiterRes)
        throw new RateLimitedError(
          'too many customer tokens from this address; try again later',
          error.msBeforeNext,
          'customer_tokens_throttled',
        );
      throw error;
    }
  }
}
