import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { EventFollower } from '../push/event-follower.js';
import { PushDelivery } from '../push/push-delivery.js';
import { slaPushesFor } from './sla-pushes.js';

/**
 * The metrics service's live SLA alerts (the `sla-<conversation>` streams) as `sla_warning` and
 * `sla_breached` pushes. Each alert is one event (metrics appends it once, whichever of its
 * replicas fired the timer), and each gateway replica pushes it to its own sockets only, so
 * every socket gets it once.
 */
@Injectable()
export class SlaPushFollower extends EventFollower {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    private readonly delivery: PushDelivery,
  ) {
    super('sla', nats, config);
  }

  protected async handle(event: EventEnvelope): Promise<void> {
    if (!this.delivery.hasAgents(event.organization_id)) return;
    await this.delivery.deliver(event.organization_id, slaPushesFor(event));
  }
}
