import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import { DeskOrigins } from '@livedesk/auth';

/**
 * CORS of the agent token endpoint for a desk served from another origin (`DESK_ORIGINS`); the
 * controller refuses a request from any origin but the desk's with 403 `origin_not_allowed`.
 */
@Injectable()
export class DeskCors implements NestMiddleware {
  private readonly handler = cors((request, callback) => {
    const origin = request.headers.origin;
    const allowed = origin !== undefined && this.desk.allows(origin, request.headers.host);
    callback(null, { origin: allowed, methods: ['POST'], allowedHeaders: ['Content-Type'], maxAge: 600 });
  });

  constructor(@Inject(DeskOrigins) private readonly desk: DeskOrigins) {}

  use(request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void {
    this.handler(request, response, next);
  }
}
