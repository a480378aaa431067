import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { createTestDatabase, createTestNats, serviceUrls, type TestDatabase, type TestNats } from '@livedesk/testing';
import { loadServiceConfig } from '../config/load-service-config.js';
import { REDIS } from '../redis/redis.tokens.js';
import { ServiceKitModule } from '../service-kit.module.js';

describe('readiness', () => {
  let database: TestDatabase;
  let nats: TestNats;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const urls = await serviceUrls();
    [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
    const config = loadServiceConfig({
      defaultPort: 0,
      env: {
        DATABASE_URL: database.url,
        NATS_URL: urls.natsUrl,
        REDIS_URL: urls.redisUrl,
        LIVEDESK_SUBJECT_PREFIX: nats.subjectPrefix,
        LOG_LEVEL: 'silent',
      },
    });
    @Module({ imports: [ServiceKitModule.forRoot({ name: 'readiness-test', config })] })
    class TestAppModule {}
    app = await NestFactory.create(TestAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await nats?.cleanup();
  });

  it('is ready when Postgres, NATS and Redis answer, and not ready once Redis is gone', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    app.get<Redis>(REDIS).disconnect();
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: Record<string, unknown>; info: Record<string, unknown> };
    expect(Object.keys(body.error)).toEqual(['redis']);
    expect(Object.keys(body.info).sort()).toEqual(['nats', 'postgres']);

    // Liveness does not depend on the dependencies: restarting would not bring Redis back.
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });
});
