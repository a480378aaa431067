import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import type { Kysely } from 'kysely';
import { AuthModule, TokenService } from '@livedesk/auth';
import { ApiErrorFilter, CLOCK, DATABASE, SERVICE_CONFIG, type Clock } from '@livedesk/service-kit';
import type { MetricsDatabase } from '../../projection/metrics-tables.js';
import { OpenApiController } from '../openapi.controller.js';
import { ReportsController } from '../reports.controller.js';

export const TEST_ADMIN_TOKEN = 'reports-test-admin-token';
export const TEST_JWT_SECRET = 'reports-test-jwt-secret-0123456789abcdef';

/** A clock the test moves. */
export class SettableClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(at: Date): void {
    this.current = at;
  }
}

export interface ReportsApi {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  clock: SettableClock;
  /** signs tokens the API accepts */
  tokens: TokenService;
  close(): Promise<void>;
}

@Module({})
class ReportsTestKitModule {
  static forRoot(db: Kysely<MetricsDatabase>, clock: Clock): DynamicModule {
    return {
      module: ReportsTestKitModule,
      global: true,
      providers: [
        {
          provide: SERVICE_CONFIG,
          useValue: { LIVEDESK_ADMIN_TOKEN: TEST_ADMIN_TOKEN, LIVEDESK_JWT_SECRET: TEST_JWT_SECRET },
        },
        { provide: DATABASE, useValue: db },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [SERVICE_CONFIG, DATABASE, CLOCK],
    };
  }
}

@Module({})
class ReportsTestRootModule {}

/**
 * The metrics service's report and OpenAPI controllers in a Nest application on loopback, over
 * a test database the caller migrated and seeded, with what ServiceKitModule would give them
 * (config, database, clock) and the service's error filter; no NATS, no Redis, no projector.
 */
export async function startReportsApi(db: Kysely<MetricsDatabase>, now: Date): Promise<ReportsApi> {
  const clock = new SettableClock(now);
  const app = await NestFactory.create(
    {
      module: ReportsTestRootModule,
      // No gateway here: every agent a test signs a token for counts as active (revocation is
      // tested end to end against the real directory: services/ticketing/src/e2e/hostile-ticketing.e2e.spec.ts).
      imports: [
        ReportsTestKitModule.forRoot(db, clock),
        AuthModule.forRoot({ activeAgents: { isActive: async () => true } }),
      ],
      controllers: [ReportsController, OpenApiController],
      providers: [{ provide: APP_FILTER, useClass: ApiErrorFilter }],
    },
    { logger: ['error'], abortOnError: false },
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    clock,
    // Tokens are checked against the wall clock, not the test clock: give them a long life.
    tokens: new TokenService({ secret: TEST_JWT_SECRET, agentTtlSeconds: 3600, customerTtlSeconds: 3600 }),
    close: () => app.close(),
  };
}
