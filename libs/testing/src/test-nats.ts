import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { uniqueTestId } from './run-id.js';
import { serviceUrls } from './service-urls.js';

export interface TestNats {
  url: string;
  /** Prefix for every subject of this test: `<prefix>.events.…`, `<prefix>.cmd.…`. */
  subjectPrefix: string;
  /** Prefix for every JetStream stream and durable consumer name of this test. */
  streamPrefix: string;
  connection: NatsConnection;
  /** Deletes the JetStream streams this test created and closes the connection. */
  cleanup(): Promise<void>;
}

/** `url`: a NATS server of the test's own (`OwnNatsServer`) instead of the shared one. */
export async function createTestNats(url?: string): Promise<TestNats> {
  const natsUrl = url ?? (await serviceUrls()).natsUrl;
  const id = uniqueTestId();
  // Reconnects for as long as the test runs: tests that restart their own NATS server
  // (OwnNatsServer) still clean up through this connection afterwards.
  const connection = await connect({
    servers: natsUrl,
    name: `test-${id}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  const streamPrefix = id.toUpperCase();
  return {
    url: natsUrl,
    subjectPrefix: id,
    streamPrefix,
    connection,
    async cleanup() {
      const jsm = await jetstreamManager(connection);
      for await (const name of jsm.streams.names()) {
        if (name.startsWith(streamPrefix)) await jsm.streams.delete(name);
      }
      await connection.drain();
    },
  };
}
