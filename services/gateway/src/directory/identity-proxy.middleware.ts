import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import { forwardingMiddleware } from '../forwarding-proxy.js';
import type { GatewayConfig } from '../gateway-config.js';

/** The public URLs the identity service answers (docs/architecture.md): the setup API, the token endpoints, the widget's settings. */
export const IDENTITY_PATHS: readonly RegExp[] = [
  /^\/v1\/organizations(\/|$|\?)/,
  /^\/v1\/customer\/token(\/|$|\?)/,
  /^\/v1\/customer\/widget-settings(\/|$|\?)/,
  /^\/v1\/agent\/token(\/|$|\?)/,
];

export function isIdentityPath(url: string): boolean {
  return IDENTITY_PATHS.some((path) => path.test(url));
}

/**
 * Forwards the identity service's public URLs to it (`IDENTITY_URL`), where no ingress routes
 * them directly (`pnpm start`, docker compose, the tests): method, path, query, headers (`Host`
 * and `Origin` included, which the origin checks read) and body are streamed on untouched, and
 * the answer streamed back, CORS headers and preflights included (the identity service answers
 * those). `X-Forwarded-For` gets the address this gateway saw appended, and the identity service
 * believes that hop only from a trusted gateway (`TRUSTED_GATEWAYS`), so its login throttles
 * count the client the gateway saw. An identity service that does not answer is a 503.
 */
@Injectable()
export class IdentityProxy implements NestMiddleware {
  private readonly forward: ReturnType<typeof forwardingMiddleware>;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig) {
    this.forward = forwardingMiddleware({
      target: config.IDENTITY_URL,
      paths: IDENTITY_PATHS,
      timeoutMs: 30_000,
      what: 'the identity service',
      logger: new Logger(IdentityProxy.name),
    });
  }

  use(
    request: IncomingMessage & { originalUrl?: string },
    response: ServerResponse,
    next: (error?: unknown) => void,
  ): void {
    this.forward(request, response, next);
  }
}
