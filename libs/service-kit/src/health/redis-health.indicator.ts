import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.tokens.js';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  check(timeoutMs: number) {
    return this.health
      .check('redis')
      .attempt(async () => {
        // Without a ready connection ioredis would queue the PING until Redis is back.
        if (this.redis.status !== 'ready') throw new Error(`connection ${this.redis.status}`);
        await this.redis.ping();
      })
      .withTimeout(timeoutMs);
  }
}
