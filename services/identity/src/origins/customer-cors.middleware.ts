import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors, { type CorsOptions } from 'cors';
import { AllowedOrigins } from '@livedesk/auth';

/**
 * CORS of the customer endpoints (`POST /v1/customer/token`, `GET /v1/customer/widget-settings`). The organization is in the body,
 * and a preflight has no body, so the preflight cannot ask the organization: it is answered
 * for an origin that some organization of the installation lists, and for no other (no CORS
 * header at all). The actual request is then checked against its own organization by the
 * controller (403 `origin_not_allowed`), and answered with the same headers, so that a listed
 * page can read its refusal. Safe: no cookies are involved (no credentials mode), and a page of
 * another organization's site only learns that it may not have a token.
 */
@Injectable()
export class CustomerCors implements NestMiddleware {
  private readonly logger = new Logger(CustomerCors.name);
  private readonly handler = cors((request, callback) => {
    const origin = request.headers.origin;
    if (origin === undefined) return callback(null, customerCorsOptions(false));
    this.origins.isListedAnywhere(origin).then(
      (listed) => callback(null, customerCorsOptions(listed)),
      (error: unknown) => {
        // The directory did not answer: no CORS this time; the request itself fails the same way.
        this.logger.warn({ err: error }, 'allowed origins unavailable for a CORS answer');
        callback(null, customerCorsOptions(false));
      },
    );
  });

  constructor(@Inject(AllowedOrigins) private readonly origins: AllowedOrigins) {}

  use(request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void {
    this.handler(request, response, next);
  }
}

function customerCorsOptions(allowed: boolean): CorsOptions {
  // origin: true reflects the request's Origin (with Vary: Origin); false adds no header.
  return { origin: allowed, methods: ['GET', 'POST'], allowedHeaders: ['Content-Type'], maxAge: 600 };
}
