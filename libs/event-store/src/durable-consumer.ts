import { jetstream, jetstreamManager, type Consumer } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ensureDurableConsumer } from '@livedesk/messaging';

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
  /**
   * Deliveries of one message at the most (default -1: no limit). The subscriptions bound
   * handler failures themselves by parking the event (docs/dead-letters.md); a limit here would
   * drop an event silently, and every later event of its stream would then wait forever.
   */
  maxDeliver?: number;
  /**
   * Messages delivered and not acked yet at the most (default 1000, the server's). A consumer
   * that acks a batch after its commit needs room for the batch being written and the next one
   * arriving meanwhile.
   */
  maxAckPending?: number;
}

/** The subscriptions' durable pull consumer, created or brought to these settings (`ensureDurableConsumer`). */
export async function durableConsumer(settings: DurableConsumerSettings): Promise<Consumer> {
  const { nats, streamName, consumer } = settings;
  await ensureDurableConsumer(await jetstreamManager(nats), {
    stream: streamName,
    name: consumer,
    ...(settings.filterSubject ? { filterSubject: settings.filterSubject } : {}),
    ackWaitMs: settings.ackWaitMs ?? 30_000,
    maxDeliver: settings.maxDeliver ?? -1,
    ...(settings.maxAckPending ? { maxAckPending: settings.maxAckPending } : {}),
  });
  return jetstream(nats).consumers.get(streamName, consumer);
}
