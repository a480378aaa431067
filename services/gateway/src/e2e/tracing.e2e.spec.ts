import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';

// docs/observability.md, Traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, the services export the
// spans of a socket frame over OTLP, and the frame, the command it sends over NATS, its handling
// in the conversation service and the event-store append it makes form one trace. The collector
// here is a plain HTTP server that keeps what the services send (OTLP/HTTP with JSON bodies).

interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
}

describe('OpenTelemetry traces across the services', () => {
  let system: ChatSystem;
  let collector: http.Server;
  const spans: ExportedSpan[] = [];
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    collector = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const document = JSON.parse(body) as {
            resourceSpans?: {
              resource: { attributes: { key: string; value: { stringValue?: string } }[] };
              scopeSpans: { spans: { name: string; traceId: string; spanId: string; parentSpanId?: string }[] }[];
            }[];
          };
          for (const resourceSpans of document.resourceSpans ?? []) {
            const service =
              resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value
                .stringValue ?? '';
            for (const scope of resourceSpans.scopeSpans) {
              for (const span of scope.spans)
                spans.push({
                  service,
                  name: span.name,
                  traceId: span.traceId,
                  spanId: span.spanId,
                  parentSpanId: span.parentSpanId || undefined,
                });
            }
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    system = await ChatSystem.start({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
    await new Promise((resolve) => collector?.close(resolve));
  });

  it('follows a start_chat frame through the command to the append in Postgres', async () => {
    const org = await system.createOrganization('Traced');
    const customer = await system.connect('customer', await system.customerToken(org.organization_id));
    sockets.push(customer);
    await customer.call('start_chat', { message: { text: 'trace me' } });

    const frame = await waitFor(
      () => spans.find((span) => span.service === 'livedesk-gateway' && span.name === 'rtm start_chat'),
      { timeoutMs: 15_000, what: 'the frame span' },
    );
    const trace = await waitFor(
      () => {
        const found = spans.filter((span) => span.traceId === frame.traceId);
        return found.some((span) => span.name === 'event_store.append') ? found : undefined;
      },
      { timeoutMs: 15_000, what: "the append in the frame's trace" },
    );
    const one = (service: string, name: string): ExportedSpan => {
      const matching = trace.filter((span) => span.service === service && span.name === name);
      expect(matching).toHaveLength(1);
      return matching[0]!;
    };
    const send = one('livedesk-gateway', `send ${system.nats.subjectPrefix}.cmd.conversation.start`);
    const handle = one('livedesk-conversation', 'handle cmd.conversation.start');
    const append = one('livedesk-conversation', 'event_store.append');
    expect(frame.parentSpanId).toBeUndefined();
    expect(send.parentSpanId).toBe(frame.spanId);
    expect(handle.parentSpanId).toBe(send.spanId);
    expect(append.parentSpanId).toBe(handle.spanId);
    // Another frame is another trace.
    expect(spans.filter((span) => span.name === 'rtm login').every((span) => span.traceId !== frame.traceId)).toBe(
      true,
    );
  });
});
