import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { directoryPattern, directoryQueries, type DirectoryAgentRecord, type DirectoryQueryName, type DirectoryQueryReply } from '@livedesk/contracts';
import { CommandError } from '@livedesk/messaging';
import { z } from 'zod';
import { CannedResponses } from './canned-responses.js';
import type { Agent, Group } from './directory-records.js';
import { Directory } from './directory.js';

/**
 * The directory's reads for the gateway (`cmd.directory.<name>`, `directoryQueries` of the
 * contracts): the groups, agents and customers a frame names, the team listing, the canned
 * responses, the allowed origins of customer sockets. An id of no such record, or of another
 * organization, answers null.
 */
@Controller()
export class DirectoryQueriesController {
  constructor(
    @Inject(Directory) private readonly directory: Directory,
    @Inject(CannedResponses) private readonly canned: CannedResponses,
  ) {}

  @MessagePattern(directoryPattern('organization'))
  async organization(@Payload() payload: unknown): Promise<DirectoryQueryReply<'organization'>> {
    const query = parse('organization', payload);
    const organization = await this.directory.getOrganization(query.organization_id);
    return {
      organization: organization
        ? { organization_id: organization.id, default_group_id: organization.defaultGroupId, allowed_origins: organization.allowedOrigins }
        : null,
    };
  }

  @MessagePattern(directoryPattern('group'))
  async group(@Payload() payload: unknown): Promise<DirectoryQueryReply<'group'>> {
    const query = parse('group', payload);
    const group = await this.directory.getGroup(query.organization_id, query.group_id);
    return { group: group ? groupRecord(group) : null };
  }

  @MessagePattern(directoryPattern('groups'))
  async groups(@Payload() payload: unknown): Promise<DirectoryQueryReply<'groups'>> {
    const query = parse('groups', payload);
    return { groups: (await this.directory.listGroups(query.organization_id)).map(groupRecord) };
  }

  @MessagePattern(directoryPattern('agent'))
  async agent(@Payload() payload: unknown): Promise<DirectoryQueryReply<'agent'>> {
    const query = parse('agent', payload);
    const agent = await this.directory.getAgent(query.organization_id, query.agent_id);
    return { agent: agent ? agentRecord(agent) : null };
  }

  @MessagePattern(directoryPattern('agents'))
  async agents(@Payload() payload: unknown): Promise<DirectoryQueryReply<'agents'>> {
    const query = parse('agents', payload);
    const filter = query.group_id === undefined ? {} : { groupId: query.group_id };
    if (query.enabled_only) return { agents: (await this.directory.listEnabledAgents(query.organization_id, filter)).map(agentRecord) };
    const ids = await this.directory.listAgentIds(query.organization_id, filter);
    const agents = await Promise.all(ids.map((id) => this.directory.getAgent(query.organization_id, id)));
    return { agents: agents.flatMap((agent) => (agent ? [agentRecord(agent)] : [])) };
  }

  @MessagePattern(directoryPattern('agent_profiles'))
  async agentProfiles(@Payload() payload: unknown): Promise<DirectoryQueryReply<'agent_profiles'>> {
    const query = parse('agent_profiles', payload);
    const profiles = await this.directory.agentProfiles(query.organization_id, query.agent_ids);
    return { profiles: profiles.map((profile) => ({ agent_id: profile.agentId, display_name: profile.displayName, avatar_url: profile.avatarUrl })) };
  }

  @MessagePattern(directoryPattern('customer'))
  async customer(@Payload() payload: unknown): Promise<DirectoryQueryReply<'customer'>> {
    const query = parse('customer', payload);
    const customer = await this.directory.getCustomer(query.organization_id, query.customer_id);
    return { customer: customer ? { customer_id: customer.id, email: customer.email, name: customer.name } : null };
  }

  @MessagePattern(directoryPattern('canned_responses'))
  async cannedResponses(@Payload() payload: unknown): Promise<DirectoryQueryReply<'canned_responses'>> {
    const query = parse('canned_responses', payload);
    const responses = await this.canned.forAgent(query.organization_id, query.agent_id);
    return {
      canned_responses: responses.map((response) => ({
        canned_response_id: response.id,
        shortcut: response.shortcut,
        text: response.text,
        scope: response.scope,
      })),
    };
  }
}

function parse<N extends DirectoryQueryName>(name: N, payload: unknown): z.infer<(typeof directoryQueries)[N]['request']> {
  const parsed = directoryQueries[name].request.safeParse(payload);
  if (!parsed.success) throw new CommandError('validation', z.prettifyError(parsed.error), 'invalid_command');
  return parsed.data as z.infer<(typeof directoryQueries)[N]['request']>;
}

function groupRecord(group: Group) {
  return { group_id: group.id, name: group.name, routing: group.routing };
}

function agentRecord(agent: Agent): DirectoryAgentRecord {
  return {
    agent_id: agent.id,
    organization_id: agent.organizationId,
    email: agent.email,
    name: agent.name,
    display_name: agent.displayName,
    avatar_url: agent.avatarUrl,
    role: agent.role,
    kind: agent.kind,
    max_chats: agent.maxChats,
    group_ids: agent.groupIds,
    disabled: agent.disabled,
  };
}
