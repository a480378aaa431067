import { z } from 'zod';
/** The origin settings of the gateway (docs/security.md, "Origins"). */
export declare const originConfigShape: {
    /**
     * Origins of the agent desk besides the gateway's own, comma-separated
     * (`https://desk.example.com`): accepted by `POST /v1/agent/token` (with CORS) and
     * `/v1/agent/rtm`. Empty (the default): the desk the gateway serves itself only.
     */
    DESK_ORIGINS: z.ZodPipe<z.ZodDefault<z.ZodString>, z.ZodTransform<string[], string>>;
    /** How long a replica keeps an organization's `allowed_origins` (a PATCH makes every replica forget them at once). */
    ALLOWED_ORIGINS_CACHE_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
};
export type OriginConfig = z.infer<z.ZodObject<typeof originConfigShape>>;
//# sourceMappingURL=origin-config.d.ts.map