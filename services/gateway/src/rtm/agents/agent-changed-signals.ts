import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { AGENT_CHANGED_SIGNAL, AgentChangedSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { ConnectionRegistry } from '../connection-registry.js';
import { SignalRelay } from '../signal-relay.js';
import { AgentProfiles } from './agent-profiles.js';

/** Close code of the sockets of an agent who was just disabled (application range, 4000–4999). */
export const AGENT_DISABLED_CLOSE_CODE = 4003;

/**
 * An agent changed (`PATCH /v1/organizations/:id/agents/:agent_id`): every gateway replica
 * forgets the agent's cached public profile and closes a disabled agent's sockets at once, and
 * the APIs that verify tokens (ticketing, metrics: `libs/auth`) forget what they cached about
 * the agent.
 */
@Injectable()
export class AgentChangedSignals extends SignalRelay<AgentChangedSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
    @Inject(AgentProfiles) private readonly profiles: AgentProfiles,
  ) {
    super(AGENT_CHANGED_SIGNAL, AgentChangedSignal, nats, config, registry);
  }

  protected deliver(signal: AgentChangedSignal): void {
    this.profiles.forget(signal.organization_id, signal.agent_id);
    if (!signal.disabled) return;
    for (const connection of [...this.registry.agent(signal.organization_id, signal.agent_id)]) {
      connection.close(AGENT_DISABLED_CLOSE_CODE, 'agent disabled');
    }
  }
}
