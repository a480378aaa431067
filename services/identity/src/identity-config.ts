import { z } from 'zod';
import { authConfigShape, originConfigShape, type AuthSettings, type OriginConfig } from '@livedesk/auth';
import type { ServiceConfig } from '@livedesk/service-kit';
import { throttleConfigShape, type ThrottleConfig } from './throttling/throttle-config.js';

/** The identity service's own settings, on top of the ones every service reads (`ServiceConfig`). */
export interface IdentitySettings extends AuthSettings, ThrottleConfig, OriginConfig {
  AGENT_TOKEN_TTL_SECONDS: number;
  CUSTOMER_TOKEN_TTL_SECONDS: number;
}

/** What `SERVICE_CONFIG` holds in the identity service. */
export type IdentityConfig = ServiceConfig & IdentitySettings;

/**
 * The identity service's variables as a zod raw shape for `bootstrapService({ configExtension })`: the
 * installation secrets (required in production, see `authConfigShape`), the tokens' lifetimes,
 * the throttles of the token endpoints (`throttleConfigShape`) and the desk's origins and the
 * allowed-origins cache (`originConfigShape`).
 */
export function identityConfigShape(env: NodeJS.ProcessEnv = process.env) {
  return {
    ...authConfigShape(env),
    AGENT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(43_200),
    CUSTOMER_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
    ...throttleConfigShape,
    ...originConfigShape,
  };
}
