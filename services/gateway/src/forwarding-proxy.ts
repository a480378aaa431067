import type { Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';

export interface ForwardedService {
  /** Where the service answers: `http://identity:8085`. */
  target: string;
  /** The URLs it answers, matched against the whole path and query. */
  paths: readonly RegExp[];
  /** The longest wait for its answer. */
  timeoutMs: number;
  /** Named in the 503 answer and the log line when it does not answer: `the identity service`. */
  what: string;
  logger: Logger;
}

type Middleware = (
  request: IncomingMessage & { originalUrl?: string },
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * A middleware that forwards a service's public URLs to it: method, path, query, headers and
 * body streamed on untouched, the answer streamed back; `X-Forwarded-For` gets the address this
 * gateway saw appended. A service that does not answer is a 503 `unavailable` with `Retry-After`.
 * Any other URL goes on to the gateway's own routes.
 */
export function forwardingMiddleware(service: ForwardedService): Middleware {
  const proxy = createProxyMiddleware({
    target: service.target,
    xfwd: true,
    proxyTimeout: service.timeoutMs,
    on: {
      error: (error, _request, response) => {
        service.logger.warn({ err: error }, `${service.what} did not answer`);
        if (!('setHeader' in response) || response.headersSent) {
          response.destroy();
          return;
        }
        response.statusCode = 503;
        response.setHeader('content-type', 'application/json; charset=utf-8');
        response.setHeader('retry-after', '1');
        response.end(
          JSON.stringify({ error: { code: 'unavailable', message: `${service.what} is not answering; try again` } }),
        );
      },
    },
  });
  return (request, response, next) => {
    // A middleware mounted on a path sees the URL without it; the service needs it whole.
    const url = request.originalUrl ?? request.url ?? '';
    if (!service.paths.some((path) => path.test(url))) return next();
    request.url = url;
    void proxy(request, response, next);
  };
}
