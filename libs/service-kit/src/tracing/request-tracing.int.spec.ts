import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { pino, type Logger } from 'pino';
import type { Kysely } from 'kysely';
import { append, createDatabase, migrateEventStore, type EventStoreTables } from '@livedesk/event-store';
import {
  CommandClient,
  CommandServer,
  currentRequestId,
  requestLogFields,
  runRequest,
  sendCommand,
} from '@livedesk/messaging';
import { createTestDatabase, createTestNats, type TestDatabase, type TestNats } from '@livedesk/testing';

// The request id and the trace of a socket frame, as docs/observability.md describes them: the
// gateway runs each frame as a request (`runRequest`), the commands it sends carry the id and
// the trace context in NATS headers, and the service that handles one logs under the same id
// and records its event-store append in the same trace. Real NATS and Postgres; the spans go
// to an in-memory exporter.

const exporter = new InMemorySpanExporter();
const lines: Record<string, unknown>[] = [];
let logger: Logger;
let db: Kysely<EventStoreTables>;

@Controller()
class ObservedController {
  @MessagePattern('cmd.observe')
  async observe(@Payload() data: { stream: string }): Promise<{ requestId: string | undefined }> {
    logger.info({ stream: data.stream }, 'handling the command');
    await append(db, data.stream, 'org-1', [{ eventId: randomUUID(), type: 'Observed', data: {} }], 'any');
    return { requestId: currentRequestId() };
  }
}

@Module({ controllers: [ObservedController] })
class ObservedModule {}

describe('request ids and traces from a frame through NATS to Postgres', () => {
  let nats: TestNats;
  let database: TestDatabase;
  let app: INestMicroservice;
  let client: CommandClient;

  beforeAll(async () => {
    // What the Node SDK registers when OTEL_EXPORTER_OTLP_ENDPOINT is set (tracing/start-tracing.ts).
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
    // The services' pino settings: the request's fields on every line (logging/logger-params.ts).
    logger = pino(
      { mixin: requestLogFields },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    );
    [nats, database] = await Promise.all([createTestNats(), createTestDatabase()]);
    db = createDatabase(database.url, { max: 2 });
    await migrateEventStore(db);
    app = await NestFactory.createMicroservice(ObservedModule, {
      strategy: new CommandServer({
        url: nats.url,
        name: 'observed',
        subjectPrefix: nats.subjectPrefix,
        queue: 'observed',
        drainTimeoutMs: 2000,
      }),
      logger: false,
    });
    await app.listen();
    client = new CommandClient({ connection: nats.connection, subjectPrefix: nats.subjectPrefix });
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await db?.destroy();
    await nats?.cleanup();
    await database?.drop();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  beforeEach(() => {
    exporter.reset();
    lines.length = 0;
  });

  it("hands the frame's request id to the handler, whose log lines carry it", async () => {
    const reply = await runRequest({ requestId: 'frame-7', spanName: 'rtm observe' }, async () => {
      logger.info('frame received');
      return sendCommand<{ requestId: string }>(client, 'cmd.observe', { stream: 'observed-1' });
    });
    expect(reply.requestId).toBe('frame-7');
    expect(lines.map((line) => [line.msg, line.requestId])).toEqual([
      ['frame received', 'frame-7'],
      ['handling the command', 'frame-7'],
    ]);
    // Outside any request nothing is added to a line.
    logger.info('idle');
    expect(lines.at(-1)).not.toHaveProperty('requestId');
    expect(lines.at(-1)).not.toHaveProperty('traceId');
  });

  it('continues one trace from the frame to the command handler and its append', async () => {
    await runRequest({ spanName: 'rtm observe' }, () => sendCommand(client, 'cmd.observe', { stream: 'observed-2' }));
    const spans = await waitForSpans(4);
    const byName = (name: string): ReadableSpan => {
      const span = spans.find((candidate) => candidate.name === name);
      if (!span) throw new Error(`no span ${name} among ${spans.map((s) => s.name).join(', ')}`);
      return span;
    };
    const frame = byName('rtm observe');
    const send = byName(`send ${nats.subjectPrefix}.cmd.observe`);
    const handle = byName('handle cmd.observe');
    const appendSpan = byName('event_store.append');
    const traceId = frame.spanContext().traceId;
    for (const span of [send, handle, appendSpan]) expect(span.spanContext().traceId).toBe(traceId);
    expect(frame.parentSpanContext).toBeUndefined();
    expect(send.parentSpanContext?.spanId).toBe(frame.spanContext().spanId);
    expect(handle.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(appendSpan.parentSpanContext?.spanId).toBe(handle.spanContext().spanId);
    expect(appendSpan.attributes['livedesk.stream_id']).toBe('observed-2');
    // The handler's log line names the trace and its own span.
    const handled = lines.find((line) => line.msg === 'handling the command')!;
    expect(handled.traceId).toBe(traceId);
    expect(handled.spanId).toBe(handle.spanContext().spanId);
  });

  it('gives a command sent outside any request an id of its own, and refuses an id that is not one', async () => {
    const alone = await sendCommand<{ requestId: string }>(client, 'cmd.observe', { stream: 'observed-3' });
    expect(alone.requestId).toMatch(/^[0-9a-f-]{36}$/);

    // A message whose x-request-id is not id-like (a quote, spaces) gets a new id.
    const headers = natsHeaders();
    headers.set('x-request-id', 'evil" id="forged');
    const reply = await nats.connection.request(
      `${nats.subjectPrefix}.cmd.observe`,
      JSON.stringify({ pattern: 'cmd.observe', data: { stream: 'observed-4' }, id: 'raw-1' }),
      { headers, timeout: 5000 },
    );
    const { response } = reply.json<{ response: { requestId: string } }>();
    expect(response.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((line) => line.stream === 'observed-4')?.requestId).toBe(response.requestId);
  });
});

async function waitForSpans(count: number): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 5000;
  while (exporter.getFinishedSpans().length < count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  return exporter.getFinishedSpans();
}
