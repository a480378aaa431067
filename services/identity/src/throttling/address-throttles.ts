import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '@livedesk/service-kit';

interface AddressThrottleOptions {
  /** Names the counters in Redis and in memory. */
  name: string;
  perMinute: number;
  /** The refusal's message and reason (429 with Retry-After). */
  message: string;
  reason: string;
}

/**
 * Requests of one kind per client address and minute, in Redis (shared by the replicas); while
 * Redis does not answer, each replica counts on its own.
 */
class AddressThrottle {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    keyPrefix: string,
    private readonly options: AddressThrottleOptions,
  ) {
    const { name, perMinute } = options;
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:${name}`,
      points: perMinute,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points: perMinute, duration: 60 }),
    });
  }

  /** Throws `RateLimitedError` once the address has had its requests of the minute. */
  async take(address: string): Promise<void> {
    try {
      await this.limiter.consume(address);
    } catch (error) {
      if (error instanceof RateLimiterRes)
        throw new RateLimitedError(this.options.message, error.msBeforeNext, this.options.reason);
      throw error;
    }
  }
}

/**
 * Customer tokens per client address and minute. Each anonymous token is a customer row:
 * unthrottled, one script made 200 in under a second.
 */
export class CustomerTokenThrottle extends AddressThrottle {
  constructor(redis: Redis, keyPrefix: string, perMinute: number) {
    super(redis, keyPrefix, {
      name: 'customer-tokens',
      perMinute,
      message: 'too many customer tokens from this address; try again later',
      reason: 'customer_tokens_throttled',
    });
  }
}

/**
 * Widget settings per client address and minute: the one public read without a token, a
 * directory read each; a page view asks once (browsers keep the answer a minute).
 */
export class WidgetSettingsThrottle extends AddressThrottle {
  constructor(redis: Redis, keyPrefix: string, perMinute: number) {
    super(redis, keyPrefix, {
      name: 'widget-settings',
      perMinute,
      message: 'too many widget settings requests from this address; try again later',
      reason: 'widget_settings_throttled',
    });
  }
}
