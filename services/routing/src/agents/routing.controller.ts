import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CommandError } from '@livedesk/messaging';
import { routingCommands, type RoutingCommandReply } from '@livedesk/contracts';
import { z } from 'zod';
import { RoutingState } from '../state/routing-state.js';
import { AgentStatusService } from './agent-status.service.js';

/** The routing service's NATS commands (`<prefix>.cmd.routing.<name>`), payloads parsed first. */
@Controller()
export class RoutingController {
  constructor(
    private readonly agents: AgentStatusService,
    private readonly state: RoutingState,
  ) {}

  @MessagePattern('cmd.routing.set_status')
  async setStatus(@Payload() payload: unknown): Promise<RoutingCommandReply<'set_status'>> {
    const command = parse(routingCommands.set_status.request, payload);
    await this.agents.learn(command.organization_id, command.agent_id, command.profile);
    const status = await this.agents.setStatus(command.organization_id, command.agent_id, command.status, command.reason);
    return { agent_id: command.agent_id, status };
  }

  @MessagePattern('cmd.routing.presence')
  async presence(@Payload() payload: unknown): Promise<RoutingCommandReply<'presence'>> {
    const command = parse(routingCommands.presence.request, payload);
    await this.agents.learn(command.organization_id, command.agent_id, command.profile);
    const status = await this.agents.presence(command.organization_id, command.agent_id, command.connection_id, command.online, command.refresh ?? false);
    return { agent_id: command.agent_id, status };
  }

  @MessagePattern('cmd.routing.room')
  async room(@Payload() payload: unknown): Promise<RoutingCommandReply<'room'>> {
    const command = parse(routingCommands.room.request, payload);
    const agent = await this.state.agent(command.organization_id, command.agent_id);
    return {
      agent_id: command.agent_id,
      status: agent?.status ?? 'offline',
      active: agent?.load[command.channel] ?? 0,
      max: agent ? agent.maxChats[command.channel] : null,
    };
  }

  @MessagePattern('cmd.routing.overview')
  async overview(@Payload() payload: unknown): Promise<RoutingCommandReply<'overview'>> {
    const command = parse(routingCommands.overview.request, payload);
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
      command.group_ids.map(async (groupId) => ({ group_id: groupId, ...(await this.state.groupCounts(organizationId, groupId)) })),
    );
    return { agents, groups };
  }
}

function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new CommandError('validation', z.prettifyError(parsed.error), 'invalid_command');
  return parsed.data;
}
