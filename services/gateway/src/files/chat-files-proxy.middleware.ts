import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import { forwardingMiddleware } from '../forwarding-proxy.js';
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
  private readonly forward: ReturnType<typeof forwardingMiddleware>;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig) {
    this.forward = forwardingMiddleware({
      target: config.TICKETING_URL,
      paths: CHAT_FILE_PATHS,
      timeoutMs: 60_000,
      what: 'the file service',
      logger: new Logger(ChatFilesProxy.name),
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
