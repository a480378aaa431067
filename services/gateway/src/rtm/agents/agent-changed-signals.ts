import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { AGENT_CHANGED_SIGNAL, AgentChangedSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { ConnectionRegistry } from '../connection-registry.js';
import { SignalRelay } from '../signal-relay.js';
import { AgentPresenceReporter } from '../routing/agent-presence-reporter.js';
import { AgentProfiles } from './agent-profiles.js';

/** Close code of the sockets of an agent who was just disabled (application range, 4000–4999). */
export const AGENT_DISABLED_CLOSE_CODE = 4003;

/**
 * An agent changed (`PATCH /v1/organizations/:id/agents/:agent_id`): every gateway replica
 * forgets the agent's cached public profile and closes a disabled agent's sockets at once; an
 * enabled agent's open sockets take its new role (the supervisors' checks and pushes follow),
 * and are reported to routing again with the profile the directory has now, so that a new chat
 * limit or new groups change what routing assigns at once (a routing that does not answer
 * learns them from the next periodic report). The APIs that verify tokens (ticketing, metrics:
 * `libs/auth`) forget what they cached about the agent.
 */
@Injectable()
export class AgentChangedSignals extends SignalRelay<AgentChangedSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
    @Inject(AgentProfiles) private readonly profiles: AgentProfiles,
    private readonly presence: AgentPresenceReporter,
  ) {
    super(AGENT_CHANGED_SIGNAL, AgentChangedSignal, nats, config, registry);
  }

  protected deliver(signal: AgentChangedSignal): void {
    this.profiles.forget(signal.organization_id, signal.agent_id);
    const connections = [...this.registry.agent(signal.organization_id, signal.agent_id)];
    if (signal.disabled) {
      for (const connection of connections) connection.close(AGENT_DISABLED_CLOSE_CODE, 'agent disabled');
      return;
    }
    if (connections.length === 0) return;
    if (signal.role !== undefined)
      for (const connection of connections) this.registry.changeRole(connection, signal.role);
    this.presence.reportAgent(signal.organization_id, signal.agent_id).catch((error: unknown) => {
      this.logger.warn({ err: error, agentId: signal.agent_id }, 'could not report a changed agent to routing');
    });
  }
}
