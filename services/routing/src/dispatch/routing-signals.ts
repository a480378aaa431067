import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { signalSubject, type RoutingSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';

/** Queue positions and status changes for the gateways to push: core NATS, never stored. */
@Injectable()
export class RoutingSignals {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  publish(signal: RoutingSignal): void {
    this.nats.publish(
      signalSubject(this.config.LIVEDESK_SUBJECT_PREFIX, 'routing', signal.organization_id),
      JSON.stringify(signal),
    );
  }
}
