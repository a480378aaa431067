import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Whether a connection can carry traffic now. nats.js exposes no "connected" flag: a
 * connection that is not closed and not draining is either connected or reconnecting, so
 * readiness also sends a PING (`flush`) to tell those apart.
 */
export async function isNatsConnected(connection: NatsConnection, timeoutMs = 1000): Promise<boolean> {
  if (connection.isClosed() || connection.isDraining()) return false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([connection.flush().then(() => true), timedOut]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
