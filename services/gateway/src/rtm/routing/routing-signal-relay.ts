import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { pushFrame, RoutingSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { ConnectionRegistry } from '../connection-registry.js';
import { SignalRelay } from '../signal-relay.js';
import { AgentPresenceReporter } from './agent-presence-reporter.js';

/**
 * Routing's signals, pushed to the sockets of this replica: `queue_position_updated` to the
 * waiting customer, `routing_status_set` to the agent's sockets. `presence_wanted` is for the
 * gateway itself: it reports the organization's agent sockets to routing.
 */
@Injectable()
export class RoutingSignalRelay extends SignalRelay<RoutingSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
    private readonly presence: AgentPresenceReporter,
  ) {
    super('routing', RoutingSignal, nats, config, registry);
  }

  protected deliver(signal: RoutingSignal): void {
    if (signal.type === 'queue_position') {
      const text = JSON.stringify(
        pushFrame('queue_position_updated', {
          chat_id: signal.chat_id,
          position: signal.position,
          estimated_wait_seconds: signal.estimated_wait_seconds,
          agents_available: signal.agents_available,
        }),
      );
      for (const connection of this.registry.customer(signal.organization_id, signal.customer_id))
        connection.sendText(text);
      return;
    }
    if (signal.type === 'presence_wanted') {
      this.presence
        .reportOrganization(signal.organization_id)
        .catch((error: unknown) =>
          this.logger.warn(
            { err: error, organizationId: signal.organization_id },
            'presence report for routing failed',
          ),
        );
      return;
    }
    const text = JSON.stringify(pushFrame('routing_status_set', { agent_id: signal.agent_id, status: signal.status }));
    for (const connection of this.registry.agent(signal.organization_id, signal.agent_id)) connection.sendText(text);
  }
}
