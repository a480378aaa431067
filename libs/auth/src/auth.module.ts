import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { CommandClient, NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import type { ActiveAgents } from './active-agents.js';
import { ApiCallers } from './api-caller.js';
import type { AuthSettings } from './auth-config.js';
import { InstallationSecrets } from './installation-secrets.js';
import { TokenService } from './token-service.js';
import { DirectoryActiveAgents } from './directory-active-agents.js';
import { FileUrls } from './file-urls.js';

/** Injection token of the `ActiveAgents` that `ApiCallers` asks. */
export const ACTIVE_AGENTS = Symbol('ACTIVE_AGENTS');

export interface AuthModuleOptions {
  /**
   * Who says whether a token's agent is still active. Default: the identity service's directory over
   * NATS (`DirectoryActiveAgents`, which needs the NATS connection ServiceKitModule provides).
   * A test application without NATS passes its own.
   */
  activeAgents?: ActiveAgents;
}

/**
 * Token verification for a service's HTTP API: `InstallationSecrets`, a verify-only
 * `TokenService` and `ApiCallers`, from the service's config (which must include
 * `authConfigShape()`). The identity service, which also issues tokens, wires its own.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    const activeAgents: Provider = options.activeAgents
      ? { provide: ACTIVE_AGENTS, useValue: options.activeAgents }
      : {
          provide: ACTIVE_AGENTS,
          useFactory: (config: ServiceConfig & AuthSettings, client: CommandClient, nats: NatsConnection) =>
            new DirectoryActiveAgents(
              client,
              nats,
              config.LIVEDESK_SUBJECT_PREFIX,
              config.AGENT_STATUS_CACHE_MS ?? 10_000,
            ),
          inject: [SERVICE_CONFIG, CommandClient, NATS_CONNECTION],
        };
    return {
      module: AuthModule,
      providers: [
        {
          provide: InstallationSecrets,
          useFactory: (config: AuthSettings) => InstallationSecrets.fromConfig(config, new Logger('Auth')),
          inject: [SERVICE_CONFIG],
        },
        {
          provide: TokenService,
          // Verify-only: the TTLs are the identity service's business.
          useFactory: (secrets: InstallationSecrets) =>
            new TokenService({ secret: secrets.jwtSecret, agentTtlSeconds: 60, customerTtlSeconds: 60 }),
          inject: [InstallationSecrets],
        },
        activeAgents,
        {
          provide: FileUrls,
          useFactory: (secrets: InstallationSecrets, config: AuthSettings) =>
            new FileUrls(secrets.jwtSecret, config.FILE_URL_TTL_SECONDS ?? 3600),
          inject: [InstallationSecrets, SERVICE_CONFIG],
        },
        {
          provide: ApiCallers,
          useFactory: (secrets: InstallationSecrets, tokens: TokenService, agents: ActiveAgents) =>
            new ApiCallers(secrets, tokens, agents),
          inject: [InstallationSecrets, TokenService, ACTIVE_AGENTS],
        },
      ],
      exports: [InstallationSecrets, TokenService, ApiCallers, FileUrls, ACTIVE_AGENTS],
    };
  }
}
