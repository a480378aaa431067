import { Redis } from 'ioredis';
import { uniqueTestId } from './run-id.js';
import { serviceUrls } from './service-urls.js';

export interface TestRedis {
  url: string;
  /** Every key of this test starts with it (`ioredis`' `keyPrefix` option applies it). */
  keyPrefix: string;
  client: Redis;
  /** Deletes this test's keys and closes the client. */
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const { redisUrl } = await serviceUrls();
  const keyPrefix = `${uniqueTestId()}:`;
  const client = new Redis(redisUrl, { keyPrefix, lazyConnect: true });
  await client.connect();
  return {
    url: redisUrl,
    keyPrefix,
    client,
    async cleanup() {
      const raw = new Redis(redisUrl);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await raw.del(...keys);
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        client.disconnect();
      }
    },
  };
}
