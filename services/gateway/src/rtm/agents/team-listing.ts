import { Injectable, Logger } from '@nestjs/common';
import { DependencyUnavailableError } from '@livedesk/messaging';
import type { ActionRequest, ActionResponse, agentActions } from '@livedesk/contracts';
import { DirectoryClient } from '../../directory/directory-client.js';
import type { ActionContext } from '../action-context.js';
import { RoutingClient } from '../routing/routing-client.js';
import { RtmError } from '../to-protocol-error.js';

type Actions = typeof agentActions;

/** The most ids of each kind the routing `overview` command takes (libs/contracts routing/commands.ts). */
const OVERVIEW_BATCH = 1000;

/**
 * `list_agents` and `list_groups`: who can take a transfer. The directory (this gateway's) says
 * who belongs to the organization; routing's state says who is accepting and how full they are,
 * so one read command to routing answers every listed agent and group at once.
 */
@Injectable()
export class TeamListing {
  private readonly logger = new Logger(TeamListing.name);

  constructor(
    private readonly directory: DirectoryClient,
    private readonly routing: RoutingClient,
  ) {}

  /**
   * Disabled agents are left out: they cannot log in or take a transfer. A `group_id` of no
   * group of this organization is `not_found`, as `transfer_chat` answers for it, rather than an
   * empty list that would read as "a group with nobody in it".
   */
  async listAgents(
    context: ActionContext,
    payload: ActionRequest<Actions, 'list_agents'>,
  ): Promise<ActionResponse<Actions, 'list_agents'>> {
    const organizationId = context.organizationId;
    if (payload.group_id !== undefined && !(await this.directory.getGroup(organizationId, payload.group_id))) {
      throw new RtmError('not_found', `group ${payload.group_id} does not exist`, 'group_not_found');
    }
    const accounts = await this.directory.listEnabledAgents(
      organizationId,
      payload.group_id === undefined ? {} : { groupId: payload.group_id },
    );
    const routed = await this.overview(
      organizationId,
      accounts.map((agent) => agent.agent_id),
      [],
    );
    const byId = new Map(routed?.agents.map((agent) => [agent.agent_id, agent]));
    return {
      agents: accounts.map((agent) => {
        const routing = routed && byId.get(agent.agent_id);
        return {
          agent_id: agent.agent_id,
          name: agent.name,
          display_name: agent.display_name ?? agent.name,
          avatar_url: agent.avatar_url,
          role: agent.role,
          kind: agent.kind,
          group_ids: agent.group_ids,
          routing_status: routed ? (routing?.status ?? 'offline') : null,
          free_chat_slots: routing?.max_chats == null ? null : Math.max(0, routing.max_chats - routing.active_chats),
        };
      }),
    };
  }

  async listGroups(context: ActionContext): Promise<ActionResponse<Actions, 'list_groups'>> {
    const groups = await this.directory.listGroups(context.organizationId);
    const routed = await this.overview(
      context.organizationId,
      [],
      groups.map((group) => group.group_id),
    );
    const byId = new Map(routed?.groups.map((group) => [group.group_id, group]));
    return {
      groups: groups.map((group) => ({
        group_id: group.group_id,
        name: group.name,
        routing: group.routing,
        agents_accepting: routed ? (byId.get(group.group_id)?.agents_accepting ?? 0) : null,
        chats_queued: routed ? (byId.get(group.group_id)?.chats_queued ?? 0) : null,
      })),
    };
  }

  /**
   * Routing's counts, or undefined when routing (or NATS) is away: the desk still gets the
   * directory's agents and groups to transfer to (transfer_chat itself works without routing,
   * see AgentActions.requireRoom), with null where only routing knows.
   */
  private async overview(organizationId: string, agentIds: string[], groupIds: string[]) {
    try {
      // Routing takes at most OVERVIEW_BATCH ids of each kind per command.
      const replies = [];
      for (let start = 0; start === 0 || start < Math.max(agentIds.length, groupIds.length); start += OVERVIEW_BATCH) {
        const end = start + OVERVIEW_BATCH;
        replies.push(
          await this.routing.overview(organizationId, agentIds.slice(start, end), groupIds.slice(start, end)),
        );
      }
      return { agents: replies.flatMap((reply) => reply.agents), groups: replies.flatMap((reply) => reply.groups) };
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      this.logger.warn({ err: error, organizationId }, 'routing did not answer a listing');
      return undefined;
    }
  }
}
