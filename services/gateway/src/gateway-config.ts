import { z } from 'zod';
import { authConfigShape, type AuthSettings } from '@livedesk/auth';
import type { ServiceConfig } from '@livedesk/service-kit';
import { originConfigShape, type OriginConfig } from './identity/origins/origin-config.js';
import { throttleConfigShape, type ThrottleConfig } from './identity/throttling/throttle-config.js';

/** The gateway's own settings, on top of the ones every service reads (`ServiceConfig`). */
export interface GatewaySettings extends AuthSettings, ThrottleConfig, OriginConfig {
  AGENT_TOKEN_TTL_SECONDS: number;
  CUSTOMER_TOKEN_TTL_SECONDS: number;
}

/** What `SERVICE_CONFIG` holds in the gateway. */
export type GatewayConfig = ServiceConfig & GatewaySettings;

/**
 * The gateway's variables as a zod raw shape for `bootstrapService({ configExtension })`: the
 * installation secrets (required in production, see `authConfigShape`), the tokens' lifetimes,
 * the throttles of the token endpoints (`throttleConfigShape`) and the desk's origins and the
 * allowed-origins cache (`originConfigShape`).
 */
export function gatewayConfigShape(env: NodeJS.ProcessEnv = process.env) {
  return {
    ...authConfigShape(env),
    AGENT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(43_200),
    CUSTOMER_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
    ...throttleConfigShape,
    ...originConfigShape,
  };
}
