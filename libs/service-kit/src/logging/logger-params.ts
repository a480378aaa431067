import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller's id is kept only when it looks like an id: it is copied into every log line.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * JSON logs on stdout. Every HTTP request gets an id: the caller's `x-request-id` when it
 * sends one (a gateway or a load balancer), a new UUID otherwise; it is echoed in the
 * response and logged as `req.id` and `correlationId` on each line logged while serving it.
 */
export function loggerParams(service: string, level: LevelWithSilent): Params {
  return {
    pinoHttp: {
      level,
      base: { service },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const sent = req.headers[REQUEST_ID_HEADER];
        const id = typeof sent === 'string' && ACCEPTABLE_REQUEST_ID.test(sent) ? sent : randomUUID();
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
