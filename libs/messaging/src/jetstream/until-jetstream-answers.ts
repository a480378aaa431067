import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConnectionWatch } from '../connection/connection-watch.js';

export interface UntilJetStreamAnswersOptions {
  /** How long one probe may take (default 1000 ms). */
  probeTimeoutMs?: number;
  /** Pause between probes (default 200 ms). */
  retryMs?: number;
  /** Give up (resolve false) once this answers true: the caller is stopping. */
  stopped?: () => boolean;
}

/**
 * Waits until the connection is up and JetStream answers an account-info request: right after
 * a NATS server restart the client may be connected while JetStream is still recovering its
 * streams from disk, and a publish or a pull request sent then is lost without an answer. Resolves
 * true once JetStream answers, false if the connection closed or the caller stopped.
 */
export async function untilJetStreamAnswers(
  connection: NatsConnection,
  watch: ConnectionWatch,
  options: UntilJetStreamAnswersOptions = {},
): Promise<boolean> {
  const { probeTimeoutMs = 1000, retryMs = 200, stopped = () => false } = options;
  while (!stopped() && !connection.isClosed()) {
    if (watch.isConnected) {
      try {
        // jetstreamManager() checks the API with an account-info request by default.
        await jetstreamManager(connection, { timeout: probeTimeoutMs });
        return true;
      } catch {
        // not yet: JetStream is still starting, or the connection dropped again
      }
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  return false;
}
