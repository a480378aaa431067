import type { InjectionToken, Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import { AllowedOrigins, type AllowedOriginsSource } from './allowed-origins.js';
import { DeskOrigins } from './desk-origins.js';
import { OriginChecks } from './origin-checks.js';
import type { OriginConfig } from './origin-config.js';

/**
 * The origin rules as Nest providers: `AllowedOrigins` (reading the lists from `source`, kept
 * `ALLOWED_ORIGINS_CACHE_SECONDS`), `DeskOrigins` (`DESK_ORIGINS`) and `OriginChecks`. The
 * service's config must include `originConfigShape`.
 */
export function originProviders(source: InjectionToken<AllowedOriginsSource>): Provider[] {
  return [
    {
      provide: AllowedOrigins,
      useFactory: (directory: AllowedOriginsSource, config: OriginConfig) =>
        new AllowedOrigins(directory, config.ALLOWED_ORIGINS_CACHE_SECONDS * 1000),
      inject: [source, SERVICE_CONFIG],
    },
    {
      provide: DeskOrigins,
      useFactory: (config: OriginConfig) => new DeskOrigins(config.DESK_ORIGINS),
      inject: [SERVICE_CONFIG],
    },
    {
      provide: OriginChecks,
      useFactory: (origins: AllowedOrigins, desk: DeskOrigins) => new OriginChecks(origins, desk),
      inject: [AllowedOrigins, DeskOrigins],
    },
  ];
}
