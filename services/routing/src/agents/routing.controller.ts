import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { routingCommands, routingPattern, type RoutingCommand, type RoutingCommandReply } from '@livedesk/contracts';
import { CommandErrorFilter, CommandPayload } from '@livedesk/service-kit';
import { RoutingState } from '../state/routing-state.js';
import { ChatExpiry } from '../customers/chat-expiry.js';
import { AgentStatusService } from './agent-status.service.js';

/** The routing service's NATS commands (`<prefix>.cmd.routing.<name>`), payloads parsed first. */
@Controller()
@UseFilters(CommandErrorFilter)
export class RoutingController {
  constructor(
    private readonly agents: AgentStatusService,
    private readonly state: RoutingState,
    private readonly expiry: ChatExpiry,
  ) {}

  @MessagePattern(routingPattern('set_status'))
  async setStatus(
    @CommandPayload(routingCommands.set_status.request) command: RoutingCommand<'set_status'>,
  ): Promise<RoutingCommandReply<'set_status'>> {
    await this.agents.learn(command.organization_id, command.agent_id, command.profile);
    const status = await this.agents.setStatus(
      command.organization_id,
      command.agent_id,
      command.status,
      command.reason,
    );
    return { agent_id: command.agent_id, status };
  }

  @MessagePattern(routingPattern('presence'))
  async presence(
    @CommandPayload(routingCommands.presence.request) command: RoutingCommand<'presence'>,
  ): Promise<RoutingCommandReply<'presence'>> {
    await this.agents.learn(command.organization_id, command.agent_id, command.profile);
    const status = await this.agents.presence(
      command.organization_id,
      command.agent_id,
      command.connection_id,
      command.online,
      command.refresh ?? false,
    );
    return { agent_id: command.agent_id, status };
  }

  @MessagePattern(routingPattern('customer_presence'))
  async customerPresence(
    @CommandPayload(routingCommands.customer_presence.request) command: RoutingCommand<'customer_presence'>,
  ): Promise<RoutingCommandReply<'customer_presence'>> {
    await this.expiry.presence(command.organization_id, command.customer_id, command.connection_id, command.online);
    return { customer_id: command.customer_id };
  }

  @MessagePattern(routingPattern('customer_presence_refresh'))
  async customerPresenceRefresh(
    @CommandPayload(routingCommands.customer_presence_refresh.request)
    command: RoutingCommand<'customer_presence_refresh'>,
  ): Promise<RoutingCommandReply<'customer_presence_refresh'>> {
    await this.expiry.refresh(command.sockets);
    return { refreshed: command.sockets.length };
  }

  @MessagePattern(routingPattern('room'))
  async room(
    @CommandPayload(routingCommands.room.request) command: RoutingCommand<'room'>,
  ): Promise<RoutingCommandReply<'room'>> {
    const agent = await this.state.agent(command.organization_id, command.agent_id);
    return {
      agent_id: command.agent_id,
      status: agent?.status ?? 'offline',
      active: agent?.load[command.channel] ?? 0,
      max: agent ? agent.maxChats[command.channel] : null,
    };
  }

  @MessagePattern(routingPattern('overview'))
  async overview(
    @CommandPayload(routingCommands.overview.request) command: RoutingCommand<'overview'>,
  ): Promise<RoutingCommandReply<'overview'>> {
    const organizationId = command.organization_id;
    const agents = await Promise.all(
      command.agent_ids.map(async (agentId) => {
        const agent = await this.state.agent(organizationId, agentId);
        return {
          agent_id: agentId,
          status: agent?.status ?? ('offline' as const),
          active_chats: agent?.load.chat ?? 0,
          max_chats: agent ? agent.maxChats.chat : null,
        };
      }),
    );
    const groups = await Promise.all(
      command.group_ids.map(async (groupId) => ({
        group_id: groupId,
        ...(await this.state.groupCounts(organizationId, groupId)),
      })),
    );
    return { agents, groups };
  }
}
