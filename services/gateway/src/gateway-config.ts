import { z } from 'zod';
import { authConfigShape, type AuthSettings } from '@livedesk/auth';
import type { ServiceConfig } from '@livedesk/service-kit';

/** The gateway's own settings, on top of the ones every service reads (`ServiceConfig`). */
export interface GatewaySettings extends AuthSettings {
  AGENT_TOKEN_TTL_SECONDS: number;
  CUSTOMER_TOKEN_TTL_SECONDS: number;
}

/** What `SERVICE_CONFIG` holds in the gateway. */
export type GatewayConfig = ServiceConfig & GatewaySettings;

/**
 * The gateway's variables as a zod raw shape for `bootstrapService({ configExtension })`: the
 * installation secrets (required in production, see `authConfigShape`) and the tokens' lifetimes.
 */
export function gatewayConfigShape(env: NodeJS.ProcessEnv = process.env) {
  return {
    ...authConfigShape(env),
    AGENT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(43_200),
    CUSTOMER_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
  };
}
