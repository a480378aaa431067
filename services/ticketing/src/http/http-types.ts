import type { IncomingMessage } from 'node:http';

/**
 * The parts of Express's request and response that the controllers use (the service runs on
 * Nest's Express adapter; the project does not pull in Express's type package for these).
 */
export type HttpRequest = IncomingMessage;

export interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): HttpResponse;
  send(body: unknown): HttpResponse;
}
