import { Inject, Injectable } from '@nestjs/common';
import {
  routingCommands,
  routingPattern,
  type AgentProfile,
  type RoutingCommand,
  type RoutingCommandName,
  type RoutingCommandReply,
  type RoutingStatus,
} from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import { DirectoryClient } from '../../directory/directory-client.js';
import type { AgentPrincipal, CustomerPrincipal } from '@livedesk/auth';
import type { RtmConfig } from '../rtm-config.js';

/**
 * The routing service's commands. The gateway owns the directory, so it sends each agent's
 * profile (groups with their routing mode, chat limit) along with every status change.
 */
@Injectable()
export class RoutingClient {
  constructor(
    private readonly client: CommandClient,
    private readonly directory: DirectoryClient,
    @Inject(SERVICE_CONFIG) private readonly config: RtmConfig,
  ) {}

  async setStatus(
    agent: AgentPrincipal,
    status: RoutingStatus,
    reason: 'agent' | 'supervisor' | 'system',
  ): Promise<RoutingStatus> {
    const reply = await this.command('set_status', {
      organization_id: agent.organizationId,
      agent_id: agent.agentId,
      profile: await this.profileOf(agent),
      status,
      reason,
    });
    return reply.status;
  }

  /** `refresh`: a periodic report of a socket still open (agent-presence-reporter.ts), which changes no status. */
  async presence(
    agent: AgentPrincipal,
    connectionId: string,
    online: boolean,
    refresh = false,
  ): Promise<RoutingStatus> {
    const reply = await this.command('presence', {
      organization_id: agent.organizationId,
      agent_id: agent.agentId,
      profile: await this.profileOf(agent),
      connection_id: connectionId,
      online,
      ...(refresh ? { refresh } : {}),
    });
    return reply.status;
  }

  /**
   * A customer socket opened or closed (`refresh`: still open, customer-presence.ts): routing
   * closes a queued chat whose customer has had no socket for CHAT_ABANDON_SECONDS.
   */
  async customerPresence(
    customer: CustomerPrincipal,
    connectionId: string,
    online: boolean,
    refresh = false,
  ): Promise<void> {
    await this.command('customer_presence', {
      organization_id: customer.organizationId,
      customer_id: customer.customerId,
      connection_id: connectionId,
      online,
      ...(refresh ? { refresh } : {}),
    });
  }

  /**
   * The periodic report of many customer sockets still open (`customer_presence_refresh`), at
   * most CUSTOMER_PRESENCE_REFRESH_MAX, of any organizations: what `customerPresence` with
   * `refresh` reports for one.
   */
  async customerPresenceRefresh(
    sockets: readonly { customer: CustomerPrincipal; connectionId: string }[],
  ): Promise<void> {
    await this.command('customer_presence_refresh', {
      sockets: sockets.map(({ customer, connectionId }) => ({
        organization_id: customer.organizationId,
        customer_id: customer.customerId,
        connection_id: connectionId,
      })),
    });
  }

  /** The agent's load and limit on a channel, as routing counts them. */
  room(organizationId: string, agentId: string, channel: 'chat' | 'messaging'): Promise<RoutingCommandReply<'room'>> {
    return this.command('room', { organization_id: organizationId, agent_id: agentId, channel });
  }

  /** Routing's view of agents (status, chat slots) and groups (accepting, queued); read only. */
  overview(organizationId: string, agentIds: string[], groupIds: string[]): Promise<RoutingCommandReply<'overview'>> {
    return this.command('overview', { organization_id: organizationId, agent_ids: agentIds, group_ids: groupIds });
  }

  private async profileOf(agent: AgentPrincipal): Promise<AgentProfile> {
    const account = await this.directory.getAgent(agent.organizationId, agent.agentId);
    const groups = [];
    for (const groupId of account?.group_ids ?? []) {
      const group = await this.directory.getGroup(agent.organizationId, groupId);
      if (group) groups.push({ group_id: group.group_id, routing: group.routing });
    }
    return { groups, max_chats: account?.max_chats ?? null };
  }

  private command<N extends RoutingCommandName>(name: N, command: RoutingCommand<N>): Promise<RoutingCommandReply<N>> {
    const reply = routingCommands[name].reply;
    return sendCommand(this.client, routingPattern(name), command, {
      timeoutMs: this.config.RTM_COMMAND_TIMEOUT_MS,
      parseReply: (value) => reply.parse(value) as RoutingCommandReply<N>,
    });
  }
}
