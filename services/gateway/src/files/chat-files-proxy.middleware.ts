import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import type { GatewayConfig } from '../gateway-config.js';

/** The chat-file URLs the ticketing service answers (docs/protocol.md, "Files in chats"): uploads and signed downloads. */
export const CHAT_FILE_PATHS: readonly RegExp[] = [
  /^\/v1\/customer\/files(\/|$|\?)/,
  /^\/v1\/agent\/files(\/|$|\?)/,
  /^\/v1\/files\//,
];

export function isChatFilePath(url: string): boolean {
  return CHAT_FILE_PATHS.some((path) => path.test(url));
}

/**
 * Forwards the chat-file URLs to the ticketing service (`TICKETING_URL`), which stores chat
 * files with the ticket attachments: clients upload and download on the gateway's host, where
 * their sockets are, and the signed URLs in pushes are paths of that host. The body is streamed
 * on untouched (ticketing enforces the size limit as it reads); a ticketing service that does
 * not answer is a 503.
 */
@Injectable()
export class ChatFilesProxy implements NestMiddleware {
  private readonly logger = new Logger(ChatFilesProxy.name);
  private readonly proxy: RequestHandler;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig) {
    this.proxy = createProxyMiddleware({
      target: config.TICKETING_URL,
      xfwd: true,
      proxyTimeout: 60_000,
      on: {
        error: (error, _request, response) => {
          this.logger.warn({ err: error }, 'the ticketing service did not answer');
          if (!('setHeader' in response) || response.headersSent) {
            response.destroy();
            return;
          }
          response.statusCode = 503;
          response.setHeader('content-type', 'application/json; charset=utf-8');
          response.setHeader('retry-after', '1');
          response.end(
            JSON.stringify({ error: { code: 'unavailable', message: 'the file service is not answering; try again' } }),
          );
        },
      },
    });
  }

  use(
    request: IncomingMessage & { originalUrl?: string },
    response: ServerResponse,
    next: (error?: unknown) => void,
  ): void {
    const url = request.originalUrl ?? request.url ?? '';
    if (!isChatFilePath(url)) return next();
    request.url = url;
    void this.proxy(request, response, next);
  }
}
