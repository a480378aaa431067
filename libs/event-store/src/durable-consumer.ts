import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type Consumer } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import { isApiError } from './event-stream.js';

export interface DurableConsumerSettings {
  nats: NatsConnection;
  /** The JetStream stream the relay publishes to. */
  streamName: string;
  /** Durable consumer name, shared by the replicas of one consumer. */
  consumer: string;
  /** e.g. `livedesk.events.>`; all events when omitted. */
  filterSubject?: string;
  /** Redelivery after this long without an ack (default 30 s). */
  ackWaitMs?: number;
  /** Deliveries of one message at the most (default 20). */
  maxDeliver?: number;
  /**
   * Messages delivered and not acked yet at the most (the server's default when omitted: 1000).
   * A consumer that acks a batch after its commit needs room for the batch being written and the
   * next one arriving meanwhile.
   */
  maxAckPending?: number;
}

/**
 * Creates the durable pull consumer (explicit acks, from the stream's first message), or brings
 * an existing one to these settings, and answers it. Replicas starting together may race to
 * create it: the loser finds it made with the same settings.
 */
export async function durableConsumer(settings: DurableConsumerSettings): Promise<Consumer> {
  const { nats, streamName, consumer } = settings;
  const jsm = await jetstreamManager(nats);
  const config = {
    durable_name: consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(settings.ackWaitMs ?? 30_000),
    max_deliver: settings.maxDeliver ?? 20,
    ...(settings.maxAckPending ? { max_ack_pending: settings.maxAckPending } : {}),
    ...(settings.filterSubject ? { filter_subject: settings.filterSubject } : {}),
  };
  try {
    await jsm.consumers.add(streamName, config);
  } catch (error) {
    // 10148: created by another replica with the same settings; 10013/10105: exists, update it.
    if (!isApiError(error, 10148)) await jsm.consumers.update(streamName, consumer, config);
  }
  return jetstream(nats).consumers.get(streamName, consumer);
}
