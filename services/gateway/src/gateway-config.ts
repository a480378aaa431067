import { z } from 'zod';
import type { ServiceConfig } from '@livedesk/service-kit';

/** The gateway's own settings, on top of the ones every service reads (`ServiceConfig`). */
export interface GatewaySettings {
  /** The installation admin token (`Authorization: Bearer …` on the setup API). Absent outside production: generated at start. */
  LIVEDESK_ADMIN_TOKEN?: string | undefined;
  /** HS256 key of the tokens the gateway issues. Absent outside production: generated at start. */
  LIVEDESK_JWT_SECRET?: string | undefined;
  AGENT_TOKEN_TTL_SECONDS: number;
  CUSTOMER_TOKEN_TTL_SECONDS: number;
}

/** What `SERVICE_CONFIG` holds in the gateway. */
export type GatewayConfig = ServiceConfig & GatewaySettings;

const ADMIN_TOKEN_MIN = 16;
const JWT_SECRET_MIN = 32;

/**
 * The gateway's variables as a zod raw shape for `bootstrapService({ configExtension })`.
 * In production both secrets are required: a generated admin token would be unknown to the
 * operator, and a generated JWT secret would differ between replicas, so a token issued by one
 * replica would be refused by the next. Elsewhere they may be absent and `GatewaySecrets`
 * generates them at start (with a warning).
 */
export function gatewayConfigShape(env: NodeJS.ProcessEnv = process.env) {
  const production = env.NODE_ENV === 'production';
  const secret = (min: number, what: string): z.ZodType<string | undefined> => {
    const required = z
      .string({
        error: (issue) =>
          issue.input === undefined ? `is required when NODE_ENV is production (${what}, at least ${min} characters)` : undefined,
      })
      .min(min, `must be at least ${min} characters (${what})`);
    return production ? required : required.optional();
  };
  return {
    LIVEDESK_ADMIN_TOKEN: secret(ADMIN_TOKEN_MIN, 'the installation admin token'),
    LIVEDESK_JWT_SECRET: secret(JWT_SECRET_MIN, 'the key that signs gateway tokens, the same on every replica'),
    AGENT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(43_200),
    CUSTOMER_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
  };
}
