import { z } from 'zod';
import { authConfigShape, originConfigShape, TrustedHops, type AuthSettings, type OriginConfig } from '@livedesk/auth';
import type { ServiceConfig } from '@livedesk/service-kit';

/** The gateway's own settings, on top of the ones every service reads (`ServiceConfig`). */
export interface GatewaySettings extends AuthSettings, OriginConfig {
  IDENTITY_URL: string;
  TICKETING_URL: string;
  TRUSTED_PROXIES: string[];
}

/** What `SERVICE_CONFIG` holds in the gateway. */
export type GatewayConfig = ServiceConfig & GatewaySettings;

/**
 * The gateway's variables as a zod raw shape for `bootstrapService({ configExtension })`: the
 * installation secrets (the gateway verifies tokens with the JWT secret; see `authConfigShape`),
 * the desk's origins and the allowed-origins cache (`originConfigShape`), and where the identity
 * service answers the public URLs the gateway forwards to it (`IDENTITY_URL`).
 */
export function gatewayConfigShape(env: NodeJS.ProcessEnv = process.env) {
  return {
    ...authConfigShape(env),
    ...originConfigShape,
    IDENTITY_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8085'),
    /** Where the ticketing service answers the chat-file URLs the gateway forwards to it. */
    TICKETING_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8083'),
    /**
     * Proxies in front of the gateway whose `X-Forwarded-For` is believed for a socket's client
     * address (the visitor's location): addresses, CIDR subnets, `loopback`, `linklocal` or
     * `uniquelocal`, comma-separated. Empty (the default): the socket's peer is the client.
     */
    TRUSTED_PROXIES: TrustedHops.default([]),
  };
}
