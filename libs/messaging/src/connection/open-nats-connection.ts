import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import { connectCoalescing } from './coalescing-transport.js';
import type { NatsModuleOptions } from './nats-module-options.js';
import { natsServerOptions } from './nats-servers.js';

/**
 * How every connection of a service rides out a NATS outage: it never gives up (nats.js stops
 * after 10 attempts by default, which left a command server deaf after a 20 s outage), and a
 * restarted server is found within a quarter second (docs/nats-outages.md promises catch-up
 * within a second or two; an attempt against a server that is down costs one refused connect).
 */
export const RECONNECT_FOREVER: Pick<ConnectionOptions, 'reconnect' | 'maxReconnectAttempts' | 'reconnectTimeWait'> = {
  reconnect: true,
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
};

/**
 * Opens a connection that keeps reconnecting for as long as the process lives: a NATS server
 * restart or a cluster fail-over must not take a replica down, and readiness reports the
 * outage in the meantime (`isNatsConnected`).
 *
 * `noAsyncTraces`: by default the client builds two errors with stack traces for every request
 * (and every JetStream publish), in case it fails, so that a timeout would say where it was
 * sent from; about 3 % of the conversation service's CPU in a routing burst went to them. Our
 * callers wrap failures in errors of their own (CommandFailedError, NatsConnectionLostError, …)
 * that name the subject, so the stacks are not missed.
 *
 * The connection writes to its socket once per turn of the event loop, and at most once per
 * `writeLingerMs` (`CoalescingTransport`).
 */
export function openNatsConnection(options: NatsModuleOptions): Promise<NatsConnection> {
  return connectCoalescing(
    {
      ...natsServerOptions(options.url),
      name: options.name,
      ...RECONNECT_FOREVER,
      waitOnFirstConnect: false,
      noAsyncTraces: true,
      timeout: options.connectTimeoutMs ?? 5000,
    },
    options.writeLingerMs,
  );
}
