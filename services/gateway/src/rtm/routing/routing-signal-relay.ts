import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { pushFrame, RoutingSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { ConnectionRegistry } from '../connection-registry.js';
import { SignalRelay } from '../signal-relay.js';

/**
 * Routing's signals, pushed to the sockets of this replica: `queue_position_updated` to the
 * waiting customer, `routing_status_set` to the agent's sockets.
 */
@Injectable()
export class RoutingSignalRelay extends SignalRelay<RoutingSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
  ) {
    super('routing', RoutingSignal, nats, config, registry);
  }

  protected deliver(signal: RoutingSignal): void {
    if (signal.type === 'queue_position') {
      const text = JSON.stringify(pushFrame('queue_position_updated', {
        chat_id: signal.chat_id,
        position: signal.position,
        estimated_wait_seconds: signal.estimated_wait_seconds,
        agents_available: signal.agents_available,
      }));
      for (const connection of this.registry.customer(signal.organization_id, signal.customer_id)) connection.sendText(text);
      return;
    }
    const text = JSON.stringify(pushFrame('routing_status_set', { agent_id: signal.agent_id, status: signal.status }));
    for (const connection of this.registry.agent(signal.organization_id, signal.agent_id)) connection.sendText(text);
  }
}
