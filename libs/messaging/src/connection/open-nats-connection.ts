import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NatsModuleOptions } from './nats-module-options.js';

/**
 * Opens a connection that keeps reconnecting for as long as the process lives: a NATS server
 * restart or a cluster fail-over must not take a replica down, and readiness reports the
 * outage in the meantime (`isNatsConnected`).
 */
export function openNatsConnection(options: NatsModuleOptions): Promise<NatsConnection> {
  return connect({
    servers: options.url.split(',').map((url) => url.trim()),
    name: options.name,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    waitOnFirstConnect: false,
    timeout: options.connectTimeoutMs ?? 5000,
  });
}
