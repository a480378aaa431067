import { Injectable } from '@nestjs/common';
import type { ActionRequest, ActionResponse, agentActions } from '@livedesk/contracts';
import { Directory } from '../../identity/directory.js';
import type { Agent } from '../../identity/directory-records.js';
import type { ActionContext } from '../action-context.js';
import { RoutingClient } from '../routing/routing-client.js';
import { RtmError } from '../to-protocol-error.js';

type Actions = typeof agentActions;

/**
 * `list_agents` and `list_groups`: who can take a transfer. The directory (this gateway's) says
 * who belongs to the organization; routing's state says who is accepting and how full they are,
 * so one read command to routing answers every listed agent and group at once.
 */
@Injectable()
export class TeamListing {
  constructor(
    private readonly directory: Directory,
    private readonly routing: RoutingClient,
  ) {}

  /**
   * Disabled agents are left out: they cannot log in or take a transfer. A `group_id` of no
   * group of this organization is `not_found`, as `transfer_chat` answers for it, rather than an
   * empty list that would read as "a group with nobody in it".
   */
  async listAgents(context: ActionContext, payload: ActionRequest<Actions, 'list_agents'>): Promise<ActionResponse<Actions, 'list_agents'>> {
    const organizationId = context.organizationId;
    if (payload.group_id !== undefined && !(await this.directory.getGroup(organizationId, payload.group_id))) {
      throw new RtmError('not_found', `group ${payload.group_id} does not exist`, 'group_not_found');
    }
    const ids = await this.directory.listAgentIds(organizationId, payload.group_id === undefined ? {} : { groupId: payload.group_id });
    const accounts = (await Promise.all(ids.map((id) => this.directory.getAgent(organizationId, id)))).filter(
      (agent): agent is Agent => agent !== undefined && !agent.disabled,
    );
    const { agents: routed } = await this.routing.overview(
      organizationId,
      accounts.map((agent) => agent.id),
      [],
    );
    const byId = new Map(routed.map((agent) => [agent.agent_id, agent]));
    return {
      agents: accounts.map((agent) => {
        const routing = byId.get(agent.id);
        return {
          agent_id: agent.id,
          name: agent.name,
          // The directory keeps no separate display name yet: agents are shown by name.
          display_name: agent.name,
          role: agent.role,
          kind: agent.kind,
          group_ids: agent.groupIds,
          routing_status: routing?.status ?? 'offline',
          free_chat_slots: routing?.max_chats == null ? null : Math.max(0, routing.max_chats - routing.active_chats),
        };
      }),
    };
  }

  async listGroups(context: ActionContext): Promise<ActionResponse<Actions, 'list_groups'>> {
    const groups = await this.directory.listGroups(context.organizationId);
    const { groups: routed } = await this.routing.overview(
      context.organizationId,
      [],
      groups.map((group) => group.id),
    );
    const byId = new Map(routed.map((group) => [group.group_id, group]));
    return {
      groups: groups.map((group) => ({
        group_id: group.id,
        name: group.name,
        routing: group.routing,
        agents_accepting: byId.get(group.id)?.agents_accepting ?? 0,
        chats_queued: byId.get(group.id)?.chats_queued ?? 0,
      })),
    };
  }
}
