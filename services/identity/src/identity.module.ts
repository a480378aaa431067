import { Logger, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { CLOCK, DATABASE, REDIS, schemaMigrator, SERVICE_CONFIG, type Clock } from '@livedesk/service-kit';
import type { IdentityConfig } from './identity-config.js';
import { AgentLogin } from './agent-login.js';
import { ApiErrorFilter } from '@livedesk/service-kit';
import { CustomerLogin } from './customer-login.js';
import { CannedResponses } from './canned-responses.js';
import { Directory } from './directory.js';
import { DirectoryLookupController } from './directory-lookup.controller.js';
import { migrateDirectory } from './migrate-directory.js';
import type { DirectoryTables } from './directory-tables.js';
import {
  AllowedOrigins,
  ClientAddress,
  InstallationSecrets,
  OriginChecks,
  originProviders,
  TokenService,
} from '@livedesk/auth';
import { OrganizationsController } from './organizations.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { SetupAccess } from './setup-access.js';
import { TokenController } from './token.controller.js';
import { CustomerTokenThrottle, WidgetSettingsThrottle } from './throttling/address-throttles.js';
import { LoginThrottle } from './throttling/login-throttle.js';
import { VerificationGate } from './throttling/verification-gate.js';
import { CustomerCors } from './origins/customer-cors.middleware.js';
import { DeskCors } from './origins/desk-cors.middleware.js';
import { WidgetSettingsController } from './organizations/widget-settings.controller.js';
import { CustomerBans } from './bans/customer-bans.js';
import { TagList } from './tags/tag-list.js';
import { TagsController } from './tags/tags.controller.js';
import { AgentsQueryController } from './agents/agents-query.controller.js';
import { GroupsAdminController } from './groups/groups-admin.controller.js';
import { CannedResponsesAdminController } from './canned-responses/canned-responses-admin.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditLog } from './audit/audit-log.js';
import { GroupChangeSignal } from './groups/group-change-signal.js';

/**
 * Who is who: organizations, groups, agents and customers (the `directory` schema), the
 * tokens, and the HTTP endpoints that issue them, set organizations up and give the widget its
 * settings. Needs `DATABASE`, `REDIS` and `SERVICE_CONFIG` (an `IdentityConfig`), which
 * ServiceKitModule provides; no NATS (the integration tests run it alone, see testing/).
 *
 * It also installs `ApiErrorFilter` globally: every failed `/v1/` HTTP request answers
 * `{error: {code, message}}`, even one that fails before reaching a controller.
 */
@Module({
  controllers: [
    TokenController,
    OrganizationsController,
    WidgetSettingsController,
    DirectoryLookupController,
    TagsController,
    AgentsQueryController,
    GroupsAdminController,
    CannedResponsesAdminController,
    AuditController,
  ],
  providers: [
    {
      provide: InstallationSecrets,
      useFactory: (config: IdentityConfig) => InstallationSecrets.fromConfig(config, new Logger('Identity')),
      inject: [SERVICE_CONFIG],
    },
    {
      provide: TokenService,
      useFactory: (config: IdentityConfig, secrets: InstallationSecrets) =>
        new TokenService({
          secret: secrets.jwtSecret,
          agentTtlSeconds: config.AGENT_TOKEN_TTL_SECONDS,
          customerTtlSeconds: config.CUSTOMER_TOKEN_TTL_SECONDS,
        }),
      inject: [SERVICE_CONFIG, InstallationSecrets],
    },
    { provide: PasswordHasher, useFactory: () => new PasswordHasher() },
    {
      provide: Directory,
      useFactory: (db: Kysely<DirectoryTables>, passwords: PasswordHasher) => new Directory(db, passwords),
      inject: [DATABASE, PasswordHasher],
    },
    {
      provide: ClientAddress,
      useFactory: (config: IdentityConfig) =>
        new ClientAddress([...config.TRUSTED_GATEWAYS, ...config.TRUSTED_PROXIES]),
      inject: [SERVICE_CONFIG],
    },
    {
      provide: LoginThrottle,
      // Keys under the subject prefix, like every other key of the deployment (and of each test run).
      useFactory: (config: IdentityConfig, redis: Redis) =>
        new LoginThrottle(redis, `throttle:{${config.LIVEDESK_SUBJECT_PREFIX}}`, {
          freeFailuresPerAccount: config.LOGIN_FREE_FAILURES_PER_ACCOUNT,
          freeFailuresPerAddress: config.LOGIN_FREE_FAILURES_PER_ADDRESS,
          windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
          maxLockoutSeconds: config.LOGIN_LOCKOUT_MAX_SECONDS,
        }),
      inject: [SERVICE_CONFIG, REDIS],
    },
    {
      provide: VerificationGate,
      useFactory: (config: IdentityConfig) =>
        new VerificationGate({
          concurrency: config.LOGIN_MAX_CONCURRENT_VERIFICATIONS,
          maxWaitingPerAccount: config.LOGIN_MAX_WAITING_PER_ACCOUNT,
          maxWaitingPerAddress: config.LOGIN_MAX_WAITING_PER_ADDRESS,
        }),
      inject: [SERVICE_CONFIG],
    },
    {
      provide: CustomerTokenThrottle,
      useFactory: (config: IdentityConfig, redis: Redis) =>
        new CustomerTokenThrottle(
          redis,
          `throttle:{${config.LIVEDESK_SUBJECT_PREFIX}}`,
          config.CUSTOMER_TOKENS_PER_ADDRESS_PER_MINUTE,
        ),
      inject: [SERVICE_CONFIG, REDIS],
    },
    {
      provide: WidgetSettingsThrottle,
      useFactory: (config: IdentityConfig, redis: Redis) =>
        new WidgetSettingsThrottle(
          redis,
          `throttle:{${config.LIVEDESK_SUBJECT_PREFIX}}`,
          config.WIDGET_SETTINGS_PER_ADDRESS_PER_MINUTE,
        ),
      inject: [SERVICE_CONFIG, REDIS],
    },
    {
      provide: AgentLogin,
      useFactory: (directory: Directory, passwords: PasswordHasher, throttle: LoginThrottle, gate: VerificationGate) =>
        new AgentLogin(directory, passwords, throttle, gate),
      inject: [Directory, PasswordHasher, LoginThrottle, VerificationGate],
    },
    GroupChangeSignal,
    { provide: AuditLog, useFactory: (db: Kysely<DirectoryTables>) => new AuditLog(db), inject: [DATABASE] },
    { provide: TagList, useFactory: (db: Kysely<DirectoryTables>) => new TagList(db), inject: [DATABASE] },
    { provide: CustomerBans, useFactory: (db: Kysely<DirectoryTables>) => new CustomerBans(db), inject: [DATABASE] },
    {
      provide: CustomerLogin,
      // The service's clock (tests move it) where ServiceKitModule provides one; else the system's.
      useFactory: (directory: Directory, bans: CustomerBans, clock: Clock | undefined) =>
        new CustomerLogin(directory, bans, clock ?? { now: () => new Date() }),
      inject: [Directory, CustomerBans, { token: CLOCK, optional: true }],
    },
    {
      provide: SetupAccess,
      useFactory: (secrets: InstallationSecrets, tokens: TokenService, directory: Directory) =>
        new SetupAccess(secrets, tokens, directory),
      inject: [InstallationSecrets, TokenService, Directory],
    },
    {
      provide: CannedResponses,
      useFactory: (db: Kysely<DirectoryTables>) => new CannedResponses(db as Kysely<any>),
      inject: [DATABASE],
    },
    ...originProviders(Directory),
    CustomerCors,
    DeskCors,
    ...schemaMigrator(migrateDirectory),
    { provide: APP_FILTER, useClass: ApiErrorFilter },
  ],
  exports: [Directory, TokenService, CannedResponses, SetupAccess, AllowedOrigins, OriginChecks, TagList, CustomerBans],
})
export class IdentityModule implements NestModule {
  /** CORS of the token endpoints and the widget's settings, preflights (OPTIONS) included (origins/customer-cors.middleware.ts). */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(CustomerCors)
      .forRoutes(
        { path: 'v1/customer/token', method: RequestMethod.ALL },
        { path: 'v1/customer/widget-settings', method: RequestMethod.ALL },
      );
    consumer.apply(DeskCors).forRoutes({ path: 'v1/agent/token', method: RequestMethod.ALL });
  }
}
