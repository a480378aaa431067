import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type INestApplication,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createDatabase, createRedis, DATABASE, loadServiceConfig, REDIS, SERVICE_CONFIG } from '@livedesk/service-kit';
import { identityConfigShape, type IdentityConfig } from '../identity-config.js';
import type { DirectoryTables } from '../directory-tables.js';
import { IdentityModule } from '../identity.module.js';

export interface IdentityTestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  config: IdentityConfig;
  db: Kysely<DirectoryTables>;
  close(): Promise<void>;
}

export interface StartIdentityAppOptions {
  databaseUrl: string;
  /** Identity variables (LIVEDESK_ADMIN_TOKEN, LIVEDESK_JWT_SECRET, …), parsed as the service parses them. */
  env?: Record<string, string>;
}

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
    this.redis.disconnect();
  }
}

@Module({})
class TestKitModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: TestKitModule,
      global: true,
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        {
          provide: DATABASE,
          useFactory: () => createDatabase({ url: config.DATABASE_URL, applicationName: 'identity-test' }),
        },
        { provide: REDIS, useFactory: () => createRedis(config.REDIS_URL, 'identity-test') },
        DatabaseCloser,
      ],
      exports: [SERVICE_CONFIG, DATABASE, REDIS],
    };
  }
}

@Module({})
class IdentityTestRootModule {}

/**
 * The identity module alone in a Nest application on loopback, over a real Postgres
 * database and Redis (the login throttles), with what ServiceKitModule would give it (config,
 * database, Redis) and nothing else (no NATS). For the identity integration tests and the CLI's end-to-end test.
 */
export async function startIdentityApp(options: StartIdentityAppOptions): Promise<IdentityTestApp> {
  const config: IdentityConfig = loadServiceConfig({
    defaultPort: 8085,
    extension: identityConfigShape({}),
    // A subject prefix of its own: the throttles' Redis keys are under it, so test runs never share counts.
    env: {
      DATABASE_URL: options.databaseUrl,
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      LIVEDESK_SUBJECT_PREFIX: `identity-test-${randomBytes(6).toString('hex')}`,
      ...options.env,
    },
  });
  const app = await NestFactory.create(
    { module: IdentityTestRootModule, imports: [TestKitModule.forRoot(config), IdentityModule] },
    { logger: ['error'], abortOnError: false },
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    db: app.get<Kysely<DirectoryTables>>(DATABASE),
    close: () => app.close(),
  };
}
