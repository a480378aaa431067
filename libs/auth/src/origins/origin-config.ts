import { z } from 'zod';
import { parseDeskOrigins } from './desk-origins.js';

/** The origin settings of the gateway and the identity service (docs/security.md, "Origins"). */
export const originConfigShape = {
  /**
   * Origins of the agent desk besides the gateway's own, comma-separated
   * (`https://desk.example.com`): accepted by `POST /v1/agent/token` (with CORS, in the identity service) and
   * `/v1/agent/rtm` (the gateway). Empty (the default): the desk the gateway serves itself only.
   */
  DESK_ORIGINS: z
    .string()
    .default('')
    .transform((value, context) => {
      const parsed = parseDeskOrigins(value);
      if ('origins' in parsed) return parsed.origins;
      context.issues.push({
        code: 'custom',
        input: value,
        message: `"${parsed.invalid}" is not an origin (scheme://host[:port], http or https, no path)`,
      });
      return z.NEVER;
    }),
  /** How long a replica keeps an organization's `allowed_origins` (a PATCH makes every replica forget them at once). */
  ALLOWED_ORIGINS_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
};

export type OriginConfig = z.infer<z.ZodObject<typeof originConfigShape>>;
