import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, type Registry } from 'prom-client';

type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/** `http_requests_total` and `http_request_duration_seconds` by method, route and status. */
@Injectable()
export class HttpMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  /** Express-style middleware; the route template (not the raw URL) keeps label cardinality low. */
  readonly middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const stopTimer = this.duration.startTimer();
    res.once('finish', () => {
      const labels = {
        method: req.method ?? 'UNKNOWN',
        route: routeOf(req as RoutedRequest),
        status: String(res.statusCode),
      };
      this.requests.inc(labels);
      stopTimer(labels);
    });
    next();
  };
}

// A request no controller matched still passes through a catch-all route (nestjs-pino's
// middleware is mounted on `{/*splat}`), so wildcard routes count as unmatched: a raw URL
// would give one series per path a scanner tries.
function routeOf(req: RoutedRequest): string {
  const path = req.route?.path;
  if (typeof path !== 'string' || path.includes('*')) return 'unmatched';
  return `${req.baseUrl ?? ''}${path}`;
}
