import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serializeAsyncApiDocument } from '@livedesk/contracts';
import { AsyncApiController } from './asyncapi.controller.js';

// The controller alone in a Nest application on loopback: it needs no Postgres, NATS or Redis.
describe('GET /v1/asyncapi.json', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    @Module({ controllers: [AsyncApiController] })
    class TestAppModule {}
    app = await NestFactory.create(TestAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves the document of docs/asyncapi.json as JSON', async () => {
    const response = await fetch(`${base}/v1/asyncapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(serializeAsyncApiDocument((await response.json()) as Record<string, unknown>)).toBe(
      serializeAsyncApiDocument(),
    );
  });
});
