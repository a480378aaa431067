import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ORGANIZATION_CHANGED_SIGNAL, OrganizationChangedSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { AllowedOrigins } from '../../identity/origins/allowed-origins.js';
import { ConnectionRegistry } from '../connection-registry.js';
import { SignalRelay } from '../signal-relay.js';

/**
 * An organization's settings changed (`PATCH /v1/organizations/:id`): every gateway replica
 * forgets the allowed origins it cached, so that the next token request or socket login reads
 * the new list. Sockets already open stay open.
 */
@Injectable()
export class OrganizationChangedSignals extends SignalRelay<OrganizationChangedSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
    @Inject(AllowedOrigins) private readonly allowedOrigins: AllowedOrigins,
  ) {
    super(ORGANIZATION_CHANGED_SIGNAL, OrganizationChangedSignal, nats, config, registry);
  }

  protected deliver(signal: OrganizationChangedSignal): void {
    this.allowedOrigins.forget(signal.organization_id);
  }
}
