import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

let stopTracing: (() => Promise<void>) | undefined;

/**
 * OpenTelemetry traces, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: then the Node SDK starts before the service's
 * modules, exporting spans over OTLP (the SDK reads the other `OTEL_*` settings: protocol,
 * headers, sampler). The spans: a socket frame at the gateway (`rtm <action>`), each command it
 * sends over NATS (`send <subject>`, its context in the `traceparent` header) and its handling
 * in the service that takes it (`handle <subject>`), and the event store's appends
 * (`event_store.append`). Metrics and logs stay with Prometheus and stdout.
 * The SDK is loaded only when enabled, so a service without it loads none of it.
 */
export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (stopTracing) return true;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return false;
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? `livedesk-${service}`, instrumentations: [] });
  sdk.start();
  stopTracing = () => sdk.shutdown();
  return true;
}

/** Flushes the spans still buffered when the service stops. */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    const stop = stopTracing;
    stopTracing = undefined;
    await stop?.().catch(() => undefined);
  }
}
