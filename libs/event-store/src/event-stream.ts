import type { JetStreamManager } from '@nats-io/jetstream';
import { ensureStream } from '@livedesk/messaging';

export interface EventStreamConfig {
  /** JetStream stream name (`LIVEDESK_EVENTS` in production, prefixed per test run). */
  name: string;
  /** Subject prefix: the stream captures `<prefix>.events.>`. */
  subjectPrefix: string;
  /** How long JetStream remembers message ids to drop a re-published event. */
  duplicateWindowMs?: number;
  /** Replicas in a NATS cluster (3 in production); 1 on a single server. */
  replicas?: number;
}

/**
 * Creates the JetStream stream the outbox relay publishes to (file storage, kept forever), or
 * updates its settings; several replicas may call it at once (`ensureStream`).
 */
export async function ensureEventStream(jsm: JetStreamManager, config: EventStreamConfig): Promise<void> {
  await ensureStream(jsm, {
    name: config.name,
    subjects: [`${config.subjectPrefix}.events.>`],
    duplicateWindowMs: config.duplicateWindowMs ?? 120_000,
    replicas: config.replicas ?? 1,
  });
}
