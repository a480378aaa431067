import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { STATE_LOST_ERROR } from './prelude.lua.js';

/**
 * A script found the organization's epoch key missing (prelude.lua.ts): Redis lost the state,
 * which must be rebuilt from the event store before anything is decided on it.
 */
export class RoutingStateLostError extends Error {
  constructor(readonly organizationId: string) {
    super(`routing state of organization ${organizationId} is gone from Redis`);
    this.name = 'RoutingStateLostError';
  }
}

function isStateLost(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(STATE_LOST_ERROR);
}

/**
 * A Lua script run with EVALSHA, falling back to EVAL (which also caches it) when the server
 * answers NOSCRIPT: after a restart, a failover to a replica, or `SCRIPT FLUSH`. This is what
 * ioredis' `defineCommand` does; doing it here keeps the call typed and leaves the caller's
 * shared client unmodified.
 *
 * Every script takes exactly one key, the organization's base key (see routing-keys.ts), so the
 * client's `keyPrefix` applies to it and a Redis Cluster client routes by its hash tag.
 */
export class RedisScript {
  readonly sha1: string;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  /** Throws RoutingStateLostError, naming `organizationId`, when the script reports the state gone. */
  async run(redis: Redis, baseKey: string, args: readonly (string | number)[], organizationId = ''): Promise<unknown> {
    try {
      try {
        return await redis.evalsha(this.sha1, 1, baseKey, ...args);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          return await redis.eval(this.source, 1, baseKey, ...args);
        }
        throw error;
      }
    } catch (error) {
      if (isStateLost(error)) throw new RoutingStateLostError(organizationId);
      throw error;
    }
  }
}
