import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { loadServiceConfig } from './load-service-config.js';
import { ServiceConfigError } from './service-config-error.js';

describe('loadServiceConfig', () => {
  it('gives the local defaults on an empty environment', () => {
    expect(loadServiceConfig({ defaultPort: 8081, env: {} })).toEqual({
      PORT: 8081,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/livedesk',
      NATS_URL: 'nats://127.0.0.1:4222',
      REDIS_URL: 'redis://127.0.0.1:6379',
      LIVEDESK_SUBJECT_PREFIX: 'livedesk',
      LIVEDESK_EVENTS_STREAM: 'LIVEDESK_EVENTS',
      LIVEDESK_TEST_CLOCK: 'off',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      NATS_WRITE_LINGER_MS: 2,
      JETSTREAM_REPLICAS: 1,
    });
  });

  it('reads and coerces the environment, treating an empty value as unset', () => {
    const config = loadServiceConfig({
      defaultPort: 8080,
      env: { PORT: '9000', LOG_LEVEL: 'debug', NATS_URL: 'nats://a:4222,nats://b:4222', SHUTDOWN_TIMEOUT_MS: '' },
    });
    expect(config).toMatchObject({
      PORT: 9000,
      LOG_LEVEL: 'debug',
      NATS_URL: 'nats://a:4222,nats://b:4222',
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it('names every invalid variable with the value it got', () => {
    const attempt = () =>
      loadServiceConfig({ defaultPort: 8080, env: { PORT: 'abc', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' } });
    expect(attempt).toThrow(ServiceConfigError);
    expect(attempt).toThrow(/PORT: .*\(got "abc"\)/);
    expect(attempt).toThrow(/REDIS_URL: expected a redis:\/\/ URL/);
    expect(attempt).toThrow(/LOG_LEVEL/);
  });

  it('never echoes the value of a secret', () => {
    const attempt = () =>
      loadServiceConfig({
        defaultPort: 8080,
        extension: { LIVEDESK_JWT_SECRET: z.string().min(32) },
        env: { LIVEDESK_JWT_SECRET: 'hunter2', DATABASE_URL: 'mysql://root:pw@db/x' },
      });
    expect(attempt).toThrow(/LIVEDESK_JWT_SECRET: .*\(got \(value hidden\)\)/);
    expect(attempt).not.toThrow(/hunter2/);
    expect(attempt).not.toThrow(/root:pw/);
  });

  it("parses a service's own variables with the common ones", () => {
    const config = loadServiceConfig({
      defaultPort: 8083,
      extension: { SMTP_PORT: z.coerce.number().int().default(2525) },
      env: { SMTP_PORT: '2626' },
    });
    expect(config.SMTP_PORT).toBe(2626);
    expect(config.PORT).toBe(8083);
  });
});
