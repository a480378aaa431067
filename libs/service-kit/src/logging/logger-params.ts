import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import { acceptableRequestId, REQUEST_ID_HEADER, requestLogFields, withRequestId } from '@livedesk/messaging';

export { REQUEST_ID_HEADER };

/**
 * JSON logs on stdout. Every HTTP request gets an id: the caller's `x-request-id` when it
 * sends one (a gateway or a load balancer), a new UUID otherwise; it is echoed in the
 * response and logged as `req.id` and `correlationId` on each line logged while serving it.
 * A line logged during a socket frame or a NATS command carries that request's `requestId`
 * (the gateway's id for the frame, passed on in the commands' `x-request-id` header), and
 * `traceId` / `spanId` when OpenTelemetry is on (`requestLogFields`).
 */
export function loggerParams(service: string, level: LevelWithSilent): Params {
  return {
    pinoHttp: {
      level,
      base: { service },
      mixin: requestLogFields,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = acceptableRequestId(req.headers[REQUEST_ID_HEADER]) ?? randomUUID();
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customProps: (req: IncomingMessage & { id?: unknown }) => ({ correlationId: req.id }),
      autoLogging: {
        // Probes and scrapes every few seconds would drown the useful lines.
        ignore: (req: IncomingMessage) => req.url === '/metrics' || (req.url ?? '').startsWith('/health/'),
      },
    },
  };
}

/**
 * Express middleware, mounted before the logger's: settles the request's id (the caller's
 * `x-request-id` when acceptable, a new UUID otherwise) into the header, where the logger's
 * `genReqId` finds it, and runs the request under it, so the commands it sends over NATS carry
 * it (`x-request-id`) and the services they reach log it.
 */
export function requestIdMiddleware(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  const id = acceptableRequestId(req.headers[REQUEST_ID_HEADER]) ?? randomUUID();
  req.headers[REQUEST_ID_HEADER] = id;
  withRequestId(id, next);
}
