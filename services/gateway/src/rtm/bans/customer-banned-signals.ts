import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { CUSTOMER_BANNED_SIGNAL, CustomerBannedSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { ConnectionRegistry } from '../connection-registry.js';
import { SignalRelay } from '../signal-relay.js';

/** Close code of the sockets of a customer who was just banned (application range, 4000–4999). */
export const CUSTOMER_BANNED_CLOSE_CODE = 4004;

/**
 * A customer was banned (`ban_customer`, decided by the identity service): every gateway
 * replica closes the customer's open sockets at once. Their next `login` is refused while the
 * ban is in force.
 */
@Injectable()
export class CustomerBannedSignals extends SignalRelay<CustomerBannedSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
  ) {
    super(CUSTOMER_BANNED_SIGNAL, CustomerBannedSignal, nats, config, registry);
  }

  protected deliver(signal: CustomerBannedSignal): void {
    for (const connection of [...this.registry.customer(signal.organization_id, signal.customer_id)]) {
      connection.close(CUSTOMER_BANNED_CLOSE_CODE, 'customer banned');
    }
  }
}
