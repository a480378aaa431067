import {
  JetStreamApiError,
  JetStreamApiCodes,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanosFromMs } from './nanos.js';

export interface EnsureStreamOptions {
  name: string;
  subjects: string[];
  /** JetStream drops a second message with the same `Nats-Msg-Id` inside this window. */
  duplicateWindowMs: number;
  /** Default `file`: events must survive a NATS restart. */
  storage?: 'file' | 'memory';
  /** Default 1; 3 on a production cluster. */
  replicas?: number;
  /** 0 (default) keeps messages forever. */
  maxAgeMs?: number;
}

/**
 * Creates the stream, or updates it when its subjects or limits differ, so that deploying a
 * new version reconciles the stream from code. Every replica calls it at boot, concurrently:
 * a create that loses the race (the server answers "stream name already in use" when the
 * configs differ) falls back to read-and-update, and identical configs are a no-op.
 */
export async function ensureStream(jsm: JetStreamManager, options: EnsureStreamOptions): Promise<StreamInfo> {
  const wanted = {
    name: options.name,
    subjects: options.subjects,
    duplicate_window: nanosFromMs(options.duplicateWindowMs),
    storage: options.storage ?? 'file',
    num_replicas: options.replicas ?? 1,
    max_age: nanosFromMs(options.maxAgeMs ?? 0),
  } satisfies Partial<StreamConfig>;
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = await readStream(jsm, options.name);
      if (!existing) return await jsm.streams.add(wanted);
      if (existing.config.storage !== wanted.storage) {
        throw new Error(
          `stream ${options.name} uses ${existing.config.storage} storage, not ${wanted.storage}; ` +
            'JetStream cannot change storage in place: migrate it by hand',
        );
      }
      if (streamMatches(existing.config, wanted)) return existing;
      const { storage: _storage, ...changeable } = wanted;
      return await jsm.streams.update(options.name, changeable);
    } catch (error) {
      // Another replica created or updated the stream between our read and our write.
      if (attempt < 3 && error instanceof JetStreamApiError) continue;
      throw error;
    }
  }
}

async function readStream(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw error;
  }
}

function streamMatches(
  actual: StreamConfig,
  wanted: Pick<StreamConfig, 'subjects' | 'duplicate_window' | 'num_replicas' | 'max_age'>,
): boolean {
  const sameSubjects =
    actual.subjects.length === wanted.subjects.length && wanted.subjects.every((s) => actual.subjects.includes(s));
  return (
    sameSubjects &&
    actual.duplicate_window === wanted.duplicate_window &&
    actual.num_replicas === wanted.num_replicas &&
    actual.max_age === wanted.max_age
  );
}
