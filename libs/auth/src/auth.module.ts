import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import { ApiCallers } from './api-caller.js';
import type { AuthSettings } from './auth-config.js';
import { InstallationSecrets } from './installation-secrets.js';
import { TokenService } from './token-service.js';

/**
 * Token verification for a service's HTTP API: `InstallationSecrets`, a verify-only
 * `TokenService` and `ApiCallers`, from the service's config (which must include
 * `authConfigShape()`). The gateway, which also issues tokens, wires its own.
 */
@Module({})
export class AuthModule {
  static forRoot(): DynamicModule {
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
          // Verify-only: the TTLs are the gateway's business.
          useFactory: (secrets: InstallationSecrets) => new TokenService({ secret: secrets.jwtSecret, agentTtlSeconds: 60, customerTtlSeconds: 60 }),
          inject: [InstallationSecrets],
        },
        { provide: ApiCallers, useFactory: (secrets: InstallationSecrets, tokens: TokenService) => new ApiCallers(secrets, tokens), inject: [InstallationSecrets, TokenService] },
      ],
      exports: [InstallationSecrets, TokenService, ApiCallers],
    };
  }
}
