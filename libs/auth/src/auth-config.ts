import { z } from 'zod';
import { DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_JWT_SECRET } from './installation-secrets.js';

/** The settings of every service that checks livedesk tokens or the installation admin token. */
export interface AuthSettings {
  /** The installation admin token (`Authorization: Bearer …`). Absent outside production: the development one. */
  LIVEDESK_ADMIN_TOKEN?: string | undefined;
  /** HS256 key of livedesk tokens. Absent outside production: the development one. */
  LIVEDESK_JWT_SECRET?: string | undefined;
  /** How long an API remembers that a token's agent is active (a change signal forgets it at once). */
  AGENT_STATUS_CACHE_MS?: number | undefined;
  /** How long a signed download URL of a chat file stays valid. */
  FILE_URL_TTL_SECONDS?: number | undefined;
}

const ADMIN_TOKEN_MIN = 16;
const JWT_SECRET_MIN = 32;

/**
 * The variables as a zod raw shape for `bootstrapService({ configExtension })`. In production
 * both are required, and the development values are refused: they are public (this file,
 * docs, older compose files), so anyone could sign tokens or act as the installation admin. A
 * secret that differed between replicas or services would make one refuse the tokens another
 * issued.
 */
export function authConfigShape(env: NodeJS.ProcessEnv = process.env) {
  const production = env.NODE_ENV === 'production';
  const secret = (min: number, what: string, developmentValue: string): z.ZodType<string | undefined> => {
    const required = z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? `is required when NODE_ENV is production (${what}, at least ${min} characters)`
            : undefined,
      })
      .min(min, `must be at least ${min} characters (${what})`);
    if (!production) return required.optional();
    return required.refine(
      (value) => value !== developmentValue,
      `is the public development value, refused when NODE_ENV is production (${what}; \`livedesk secrets\` prints a fresh one)`,
    );
  };
  return {
    LIVEDESK_ADMIN_TOKEN: secret(ADMIN_TOKEN_MIN, 'the installation admin token', DEVELOPMENT_ADMIN_TOKEN),
    LIVEDESK_JWT_SECRET: secret(
      JWT_SECRET_MIN,
      'the key that signs livedesk tokens, the same in every service and replica',
      DEVELOPMENT_JWT_SECRET,
    ),
    AGENT_STATUS_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /** How long a signed download URL of a chat file stays valid (`FileUrls`); `get_chat` gives fresh ones. */
    FILE_URL_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(10)
      .max(7 * 86_400)
      .default(3600),
  };
}
