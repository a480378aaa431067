import { serviceUrls } from './service-urls.js';

/**
 * Jest global setup: finds (or starts) Postgres, NATS and Redis once per run, in jest's main
 * process, and hands their URLs to every test worker through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const urls = await serviceUrls();
  process.env.DATABASE_URL = urls.databaseUrl;
  process.env.NATS_URL = urls.natsUrl;
  process.env.REDIS_URL = urls.redisUrl;
}
