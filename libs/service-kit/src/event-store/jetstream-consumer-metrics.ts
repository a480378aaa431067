import { Inject, Injectable } from '@nestjs/common';
import { jetstreamManager, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { Gauge, type Registry } from 'prom-client';
import type { ServiceConfig } from '../config/service-config-schema.js';
import { METRICS_REGISTRY } from '../metrics/metrics.tokens.js';
import { SERVICE_CONFIG } from '../service-kit.tokens.js';

/**
 * Each durable consumer of the event stream, by name (`routing`, `metrics-projection`,
 * `ticketing-conversations`, …): `livedesk_jetstream_consumer_pending`, the events not yet
 * delivered to it, and `livedesk_jetstream_consumer_ack_pending`, those delivered and not yet
 * acknowledged. Asked of JetStream at each scrape (one consumer list for both gauges), so every
 * replica reports every consumer of the installation (alert on the max).
 */
@Injectable()
export class JetStreamConsumerMetrics {
  private manager: Promise<JetStreamManager> | undefined;
  private pending: Promise<ConsumerInfo[]> | undefined;

  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const stream = config.LIVEDESK_EVENTS_STREAM;
    const list = async (): Promise<ConsumerInfo[]> => {
      this.manager ??= jetstreamManager(nats, { timeout: 2000 }).catch((error: unknown) => {
        this.manager = undefined;
        throw error;
      });
      const consumers: ConsumerInfo[] = [];
      // Durable consumers only: the gateways' ordered followers are ephemeral, one per process.
      for await (const info of (await this.manager).consumers.list(stream))
        if (info.config.durable_name) consumers.push(info);
      return consumers;
    };
    const read = () => (this.pending ??= list().finally(() => setImmediate(() => (this.pending = undefined))));
    const gauge = (name: string, help: string, figure: (info: ConsumerInfo) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['stream', 'consumer'],
        registers: [registry],
        async collect() {
          try {
            const consumers = await read();
            this.reset();
            for (const info of consumers) this.set({ stream, consumer: info.name }, figure(info));
          } catch {
            // NATS or JetStream away: the scrape goes on without this figure.
            this.reset();
          }
        },
      });
    gauge(
      'livedesk_jetstream_consumer_pending',
      'Events of the event stream not yet delivered to the durable consumer',
      (info) => info.num_pending,
    );
    gauge(
      'livedesk_jetstream_consumer_ack_pending',
      'Events delivered to the durable consumer and not yet acknowledged',
      (info) => info.num_ack_pending,
    );
  }
}
