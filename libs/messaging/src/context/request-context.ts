import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/**
 * The header that carries a request's id from the service that took it (the gateway, for a
 * socket frame) to every service it causes work in, over NATS as over HTTP.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

// An id received from another process is kept only when it looks like one: it is copied into
// every log line.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A request id received from outside, or undefined when it is missing or not id-like. */
export function acceptableRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && ACCEPTABLE_REQUEST_ID.test(value) ? value : undefined;
}

/** The id of the request whose work is running now (see `runRequest`), if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * The fields every log line written during a request carries (pino's `mixin`, see
 * libs/service-kit's logger params): its `requestId`, and the trace and span ids when
 * OpenTelemetry records the request.
 */
export function requestLogFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const requestId = currentRequestId();
  if (requestId) fields.requestId = requestId;
  const span = trace.getActiveSpan()?.spanContext();
  if (span && trace.isSpanContextValid(span)) {
    fields.traceId = span.traceId;
    fields.spanId = span.spanId;
  }
  return fields;
}

/** Runs `work` under a request id, without a span (an HTTP request: its own middleware logs it). */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

export interface RunRequestOptions {
  /** The request's id; a new UUID when none is given. */
  requestId?: string;
  /** Name of the request's span (`rtm send_message`, `handle cmd.conversation.send_message`). */
  spanName: string;
  spanKind?: SpanKind;
  attributes?: Record<string, string | number | boolean>;
  /** The trace context the request continues (extracted from a message's headers). */
  parent?: Context;
}

/**
 * Runs one request's work with its id (logs, the headers of the commands it sends) and, when
 * OpenTelemetry is on, inside a span of its own. Without an SDK the span is a no-op.
 */
export function runRequest<T>(options: RunRequestOptions, work: () => Promise<T>): Promise<T> {
  const requestId = options.requestId ?? randomUUID();
  const tracer = trace.getTracer('livedesk');
  const parent = options.parent ?? context.active();
  return storage.run({ requestId }, () =>
    tracer.startActiveSpan(
      options.spanName,
      {
        kind: options.spanKind ?? SpanKind.INTERNAL,
        attributes: { 'livedesk.request_id': requestId, ...options.attributes },
      },
      parent,
      (span) => endSpanWith(span, work),
    ),
  );
}

/** Runs `work` in a client span for a message sent to `subject` (a command). */
export function runInClientSpan<T>(subject: string, work: () => Promise<T>): Promise<T> {
  return trace
    .getTracer('livedesk')
    .startActiveSpan(
      `send ${subject}`,
      { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject } },
      (span) => endSpanWith(span, work),
    );
}

async function endSpanWith<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * The NATS headers of a message sent now: the request id, and the trace context (W3C
 * `traceparent`, when OpenTelemetry is on). Undefined when there is nothing to carry.
 */
export function outgoingHeaders(): MsgHdrs | undefined {
  const carrier: Record<string, string> = {};
  const requestId = currentRequestId();
  if (requestId) carrier[REQUEST_ID_HEADER] = requestId;
  propagation.inject(context.active(), carrier);
  const keys = Object.keys(carrier);
  if (keys.length === 0) return undefined;
  const headers = natsHeaders();
  for (const key of keys) headers.set(key, carrier[key]!);
  return headers;
}

/** What a received message's headers carry: its request id (if acceptable) and trace context. */
export function incomingContext(headers: MsgHdrs | undefined): { requestId: string | undefined; parent: Context } {
  if (!headers) return { requestId: undefined, parent: context.active() };
  const parent = propagation.extract(context.active(), headers, {
    keys: (carrier) => carrier.keys(),
    get: (carrier, key) => (carrier.has(key) ? carrier.get(key) : undefined),
  });
  return {
    requestId: acceptableRequestId(headers.has(REQUEST_ID_HEADER) ? headers.get(REQUEST_ID_HEADER) : undefined),
    parent,
  };
}
