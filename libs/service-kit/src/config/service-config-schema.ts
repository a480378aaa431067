import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The settings every service reads; a service may add its own (`loadServiceConfig`). */
export function serviceConfigShape(defaultPort: number) {
  return {
    PORT: z.coerce.number().int().min(1).max(65_535).default(defaultPort),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' })
      .default('postgres://postgres@127.0.0.1:5432/livedesk'),
    NATS_URL: z
      .string()
      .regex(
        /^(nats|tls|ws|wss):\/\/[^\s,]+(,\s*(nats|tls|ws|wss):\/\/[^\s,]+)*$/,
        'expected nats://host:port[,nats://…]',
      )
      .default('nats://127.0.0.1:4222'),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// URL' }).default('redis://127.0.0.1:6379'),
    LIVEDESK_SUBJECT_PREFIX: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
        'expected NATS subject tokens (letters, digits, - and _), dot-separated',
      )
      .default('livedesk'),
    /** The JetStream stream the outbox relay publishes events to and consumers read. */
    LIVEDESK_EVENTS_STREAM: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'expected a JetStream stream name (letters, digits, - and _)')
      .default('LIVEDESK_EVENTS'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /**
     * A NATS connection writes to its socket at most once per this many milliseconds: what is
     * published meanwhile goes in the next write (`CoalescingTransport`). A message waits at most
     * this long more on each hop; under load the NATS server and the processes it forwards to
     * are woken once per batch instead of once per message. 0: once per turn of the event loop.
     */
    NATS_WRITE_LINGER_MS: z.coerce.number().int().min(0).max(50).default(2),
    /** Replicas of the JetStream streams a service provisions: 1 locally, 3 on a cluster. */
    JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
    /**
     * Tests only: `nats` lets a test set the time every service puts into its events (clock/test-clock.ts),
     * so that figures over chats driven through the real protocol come out exact.
     */
    LIVEDESK_TEST_CLOCK: z.enum(['off', 'nats']).default('off'),
    /**
     * Tests only, with `LIVEDESK_TEST_CLOCK=nats`: the time (epoch milliseconds) the clock stands at
     * from the start, for a replica a test starts after it set the clock (unset: real time until set).
     */
    LIVEDESK_TEST_CLOCK_AT: z.coerce.number().int().nonnegative().optional(),
    /**
     * OpenTelemetry traces go to this OTLP endpoint (http://collector:4318); unset: no tracing
     * (tracing/start-tracing.ts). The SDK reads it, and the other OTEL_* settings, itself.
     */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'expected an http(s):// URL' }).optional(),
  };
}

export type ServiceConfig = z.infer<z.ZodObject<ReturnType<typeof serviceConfigShape>>>;
