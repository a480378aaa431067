import {
  AckPolicy,
  JetStreamApiCodes,
  DeliverPolicy,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanosFromMs } from './nanos.js';

export interface EnsureDurableConsumerOptions {
  stream: string;
  /** Durable name: the replicas of one service share it and so share the work. */
  name: string;
  /** Only messages on this subject (wildcards allowed) are delivered. One subject: NATS 2.9. */
  filterSubject?: string;
  /** How long a delivered message may stay unacknowledged before it is delivered again. */
  ackWaitMs: number;
  /** Deliveries before JetStream gives up on a message (and emits an advisory). */
  maxDeliver: number;
  /** Messages delivered and not yet acknowledged, across all replicas. Default 1000. */
  maxAckPending?: number;
}

/**
 * Creates a durable pull consumer with explicit acks, or updates the settings that JetStream
 * lets change. Safe when several replicas call it at once: creating a consumer that exists with
 * the same config succeeds, and a lost race falls back to read-and-update.
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  options: EnsureDurableConsumerOptions,
): Promise<ConsumerInfo> {
  const wanted = {
    durable_name: options.name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanosFromMs(options.ackWaitMs),
    max_deliver: options.maxDeliver,
    max_ack_pending: options.maxAckPending ?? 1000,
    ...(options.filterSubject === undefined ? {} : { filter_subject: options.filterSubject }),
  } satisfies Partial<ConsumerConfig>;
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = await readConsumer(jsm, options.stream, options.name);
      if (!existing) return await jsm.consumers.add(options.stream, wanted);
      if (consumerMatches(existing.config, wanted)) return existing;
      return await jsm.consumers.update(options.stream, options.name, {
        ack_wait: wanted.ack_wait,
        max_deliver: wanted.max_deliver,
        max_ack_pending: wanted.max_ack_pending,
        ...(options.filterSubject === undefined ? {} : { filter_subject: options.filterSubject }),
      });
    } catch (error) {
      // Another replica created the consumer between our read and our create.
      if (attempt < 3 && error instanceof JetStreamApiError) continue;
      throw error;
    }
  }
}

async function readConsumer(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
    throw error;
  }
}

function consumerMatches(
  actual: ConsumerConfig,
  wanted: Pick<ConsumerConfig, 'ack_wait' | 'max_deliver' | 'max_ack_pending'> & { filter_subject?: string },
): boolean {
  return (
    actual.ack_wait === wanted.ack_wait &&
    actual.max_deliver === wanted.max_deliver &&
    actual.max_ack_pending === wanted.max_ack_pending &&
    (actual.filter_subject ?? undefined) === (wanted.filter_subject ?? undefined)
  );
}
