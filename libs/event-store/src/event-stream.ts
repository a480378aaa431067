import {
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

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
 * Creates the JetStream stream the outbox relay publishes to, or updates its settings. Several
 * replicas may call it at once: a create that loses the race finds the stream and updates it.
 */
export async function ensureEventStream(jsm: JetStreamManager, config: EventStreamConfig): Promise<void> {
  const settings = {
    name: config.name,
    subjects: [`${config.subjectPrefix}.events.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(config.duplicateWindowMs ?? 120_000),
    num_replicas: config.replicas ?? 1,
  };
  try {
    await jsm.streams.info(config.name);
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      await jsm.streams.add(settings);
      return;
    } catch (addError) {
      // 10058: stream name already in use, created by a replica in between.
      if (!isApiError(addError, 10058)) throw addError;
    }
  }
  await jsm.streams.update(config.name, settings);
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
