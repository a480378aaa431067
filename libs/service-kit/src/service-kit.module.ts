import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION, NatsModule } from '@livedesk/messaging';
import { CLOCK, systemClock } from './clock/clock.js';
import { NatsTestClock } from './clock/test-clock.js';
import type { ServiceConfig } from './config/service-config-schema.js';
import { createDatabase } from './database/create-database.js';
import { DatabaseCloser } from './database/database-closer.js';
import { DATABASE } from './database/database.tokens.js';
import { HealthController } from './health/health.controller.js';
import { NatsHealthIndicator } from './health/nats-health.indicator.js';
import { PostgresHealthIndicator } from './health/postgres-health.indicator.js';
import { ReadinessGates } from './health/readiness-gates.js';
import { RedisHealthIndicator } from './health/redis-health.indicator.js';
import { loggerParams } from './logging/logger-params.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { createMetricsRegistry } from './metrics/metrics-registry.js';
import { METRICS_REGISTRY } from './metrics/metrics.tokens.js';
import { createRedis } from './redis/create-redis.js';
import { RedisCloser } from './redis/redis-closer.js';
import { REDIS } from './redis/redis.tokens.js';
import { SERVICE_CONFIG } from './service-kit.tokens.js';
import { TracingShutdown } from './tracing/start-tracing.js';

export interface ServiceKitOptions {
  /** Service name: logs, metrics labels, connection names, NATS queue group. */
  name: string;
  config: ServiceConfig;
  /** Provide `DATABASE` (a pool on DATABASE_URL) and check Postgres for readiness. Default true. */
  database?: boolean;
}

/**
 * What every service has: config, the clock, pino logs, Postgres (Kysely; not for the gateway),
 * Redis, NATS, health and Prometheus endpoints. Global, so the service's own modules only inject the tokens.
 */
@Module({})
export class ServiceKitModule {
  static forRoot({ name, config, database = true }: ServiceKitOptions): DynamicModule {
    const postgres = database
      ? [
          {
            provide: DATABASE,
            useFactory: () => createDatabase({ url: config.DATABASE_URL, applicationName: name }),
          },
          DatabaseCloser,
          PostgresHealthIndicator,
        ]
      : [];
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams(name, config.LOG_LEVEL)),
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
        NatsModule.forRoot({
          url: config.NATS_URL,
          name,
          subjectPrefix: config.LIVEDESK_SUBJECT_PREFIX,
          writeLingerMs: config.NATS_WRITE_LINGER_MS,
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        {
          provide: CLOCK,
          useFactory: (nats: NatsConnection) =>
            config.LIVEDESK_TEST_CLOCK === 'nats'
              ? new NatsTestClock(nats, config.LIVEDESK_SUBJECT_PREFIX, name, config.LIVEDESK_TEST_CLOCK_AT)
              : systemClock,
          inject: [NATS_CONNECTION],
        },
        ...postgres,
        { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL, name) },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(name) },
        { provide: HttpMetrics, useFactory: (registry) => new HttpMetrics(registry), inject: [METRICS_REGISTRY] },
        RedisCloser,
        TracingShutdown,
        NatsHealthIndicator,
        RedisHealthIndicator,
        ReadinessGates,
      ],
      exports: [
        SERVICE_CONFIG,
        CLOCK,
        ...(database ? [DATABASE] : []),
        REDIS,
        METRICS_REGISTRY,
        HttpMetrics,
        ReadinessGates,
      ],
    };
  }
}
