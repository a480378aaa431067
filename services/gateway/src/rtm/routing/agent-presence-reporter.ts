import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG, WarningThrottle } from '@livedesk/service-kit';
import { ConnectionRegistry } from '../connection-registry.js';
import type { RtmConfig } from '../rtm-config.js';
import type { RtmConnection } from '../rtm-connection.js';
import { SpreadSweep } from '../spread-sweep.js';
import { CustomerPresence } from './customer-presence.js';
import { RoutingClient } from './routing-client.js';

/**
 * Tells routing which agent sockets (and, periodically, customer sockets) this replica holds, periodically (each
 * socket once every RTM_PRESENCE_REFRESH_SECONDS, the sockets spread over that period) and whenever routing asks
 * (`presence_wanted`, after it rebuilt a lost state): routing keeps presence in Redis, and a
 * Redis that lost its data would otherwise forget an agent who stays connected until the agent
 * reconnects. Each report is a `presence` command with `refresh`, which records the socket and
 * the agent's profile (groups, limits) and changes no status.
 */
@Injectable()
export class AgentPresenceReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AgentPresenceReporter.name);
  /** While routing is away every report fails: one line every few seconds, with the count. */
  private readonly failures = new WarningThrottle();
  private sweep: SpreadSweep<RtmConnection> | undefined;
  private round: Promise<void> | undefined;
  /** Sockets whose periodic report is due and not yet on its way. */
  private readonly due = new Set<RtmConnection>();

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly routing: RoutingClient,
    private readonly customers: CustomerPresence,
    @Inject(SERVICE_CONFIG) private readonly config: RtmConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Every socket once a period, a slice of them a second (spread-sweep.ts). A slice whose turn
    // comes while earlier ones are still being reported (routing slow) waits for them; a socket
    // already waiting is not added twice.
    this.sweep = new SpreadSweep({
      periodMs: this.config.RTM_PRESENCE_REFRESH_SECONDS * 1000,
      items: () => this.registry.connections(),
      keyOf: (connection) => connection.id,
      visit: (connections) => {
        for (const connection of connections) this.due.add(connection);
        if (this.due.size > 0) this.round ??= this.reportDue().finally(() => (this.round = undefined));
      },
    });
    this.sweep.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.sweep?.stop();
    await this.round;
  }

  /** Reports the organization's agent sockets on this replica now. */
  reportOrganization(organizationId: string): Promise<void> {
    return this.report([...this.registry.agents(organizationId)]);
  }

  /**
   * Reports the agent's sockets on this replica now, with the agent's profile as the directory has
   * it: after a PATCH of its chat limit or groups (`agent_changed`), routing assigns by the new ones at once.
   */
  reportAgent(organizationId: string, agentId: string): Promise<void> {
    return this.report([...this.registry.agent(organizationId, agentId)]);
  }

  private async reportDue(): Promise<void> {
    while (this.due.size > 0) {
      const connections = [...this.due];
      this.due.clear();
      await this.report(connections);
    }
  }

  private async report(connections: readonly RtmConnection[]): Promise<void> {
    // Customers' sockets too: routing takes a socket no report renews as gone (customer_left).
    await this.customers.refresh(connections);
    for (const connection of connections) {
      const principal = connection.principal;
      if (principal?.kind !== 'agent' || !isOpen(connection)) continue;
      try {
        await this.routing.presence(principal, connection.id, true, true);
        // Closed while the report was on its way: its close may have reached routing first, and
        // the report would then leave a socket that no longer exists counted as open.
        if (!isOpen(connection)) await this.routing.presence(principal, connection.id, false);
      } catch (error) {
        this.failures.warn((leftOut) =>
          this.logger.warn(
            { err: error, agentId: principal.agentId, leftOut },
            'routing did not hear of an open socket',
          ),
        );
      }
    }
  }
}

function isOpen(connection: RtmConnection): boolean {
  return connection.socket.readyState === connection.socket.OPEN;
}
