import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  directoryPattern,
  directoryQueries,
  type DirectoryAgentRecord,
  type DirectoryQuery,
  type DirectoryQueryReply,
} from '@livedesk/contracts';
import { CLOCK, CommandErrorFilter, CommandPayload, type Clock } from '@livedesk/service-kit';
import { CustomerBans } from './bans/customer-bans.js';
import { TagList } from './tags/tag-list.js';
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
@UseFilters(CommandErrorFilter)
export class DirectoryQueriesController {
  constructor(
    @Inject(Directory) private readonly directory: Directory,
    @Inject(CannedResponses) private readonly canned: CannedResponses,
    @Inject(TagList) private readonly tags: TagList,
    @Inject(CustomerBans) private readonly bans: CustomerBans,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @MessagePattern(directoryPattern('tag'))
  async tag(
    @CommandPayload(directoryQueries.tag.request) query: DirectoryQuery<'tag'>,
  ): Promise<DirectoryQueryReply<'tag'>> {
    return { tag: (await this.tags.isListed(query.organization_id, query.tag)) ? { name: query.tag } : null };
  }

  @MessagePattern(directoryPattern('customer_ban'))
  async customerBan(
    @CommandPayload(directoryQueries.customer_ban.request) query: DirectoryQuery<'customer_ban'>,
  ): Promise<DirectoryQueryReply<'customer_ban'>> {
    // Every login asks this: the logins arriving together are answered by one statement.
    const { customerExists, ban } = await this.bans.loginState(
      query.organization_id,
      query.customer_id,
      this.clock.now(),
    );
    return {
      customer_exists: customerExists,
      ban: ban ? { banned_until: ban.bannedUntil?.toISOString() ?? null, reason: ban.reason } : null,
    };
  }

  @MessagePattern(directoryPattern('organization'))
  async organization(
    @CommandPayload(directoryQueries.organization.request) query: DirectoryQuery<'organization'>,
  ): Promise<DirectoryQueryReply<'organization'>> {
    const organization = await this.directory.getOrganization(query.organization_id);
    return {
      organization: organization
        ? {
            organization_id: organization.id,
            name: organization.name,
            default_group_id: organization.defaultGroupId,
            allowed_origins: organization.allowedOrigins,
            time_zone: organization.timeZone,
            survey_questions: organization.surveyQuestions,
            search_language: organization.searchLanguage,
            transcript_on_close: organization.transcriptOnClose,
            business_hours: organization.businessHours,
            chat_inactivity_seconds: organization.chatInactivitySeconds,
          }
        : null,
    };
  }

  @MessagePattern(directoryPattern('group'))
  async group(
    @CommandPayload(directoryQueries.group.request) query: DirectoryQuery<'group'>,
  ): Promise<DirectoryQueryReply<'group'>> {
    const group = await this.directory.getGroup(query.organization_id, query.group_id);
    return { group: group ? groupRecord(group) : null };
  }

  @MessagePattern(directoryPattern('groups'))
  async groups(
    @CommandPayload(directoryQueries.groups.request) query: DirectoryQuery<'groups'>,
  ): Promise<DirectoryQueryReply<'groups'>> {
    return { groups: (await this.directory.listGroups(query.organization_id)).map(groupRecord) };
  }

  @MessagePattern(directoryPattern('agent'))
  async agent(
    @CommandPayload(directoryQueries.agent.request) query: DirectoryQuery<'agent'>,
  ): Promise<DirectoryQueryReply<'agent'>> {
    const agent = await this.directory.getAgent(query.organization_id, query.agent_id);
    return { agent: agent ? agentRecord(agent) : null };
  }

  @MessagePattern(directoryPattern('agents'))
  async agents(
    @CommandPayload(directoryQueries.agents.request) query: DirectoryQuery<'agents'>,
  ): Promise<DirectoryQueryReply<'agents'>> {
    const filter = query.group_id === undefined ? {} : { groupId: query.group_id };
    if (query.enabled_only)
      return { agents: (await this.directory.listEnabledAgents(query.organization_id, filter)).map(agentRecord) };
    const ids = await this.directory.listAgentIds(query.organization_id, filter);
    const agents = await Promise.all(ids.map((id) => this.directory.getAgent(query.organization_id, id)));
    return { agents: agents.flatMap((agent) => (agent ? [agentRecord(agent)] : [])) };
  }

  @MessagePattern(directoryPattern('agent_profiles'))
  async agentProfiles(
    @CommandPayload(directoryQueries.agent_profiles.request) query: DirectoryQuery<'agent_profiles'>,
  ): Promise<DirectoryQueryReply<'agent_profiles'>> {
    const profiles = await this.directory.agentProfiles(query.organization_id, query.agent_ids);
    return {
      profiles: profiles.map((profile) => ({
        agent_id: profile.agentId,
        display_name: profile.displayName,
        avatar_url: profile.avatarUrl,
      })),
    };
  }

  @MessagePattern(directoryPattern('customer'))
  async customer(
    @CommandPayload(directoryQueries.customer.request) query: DirectoryQuery<'customer'>,
  ): Promise<DirectoryQueryReply<'customer'>> {
    const customer = await this.directory.getCustomer(query.organization_id, query.customer_id);
    return {
      customer: customer
        ? {
            customer_id: customer.id,
            email: customer.email,
            name: customer.name,
            external_id: customer.externalId,
            custom_fields: customer.customFields,
            created_at: customer.createdAt.toISOString(),
          }
        : null,
    };
  }

  @MessagePattern(directoryPattern('canned_responses'))
  async cannedResponses(
    @CommandPayload(directoryQueries.canned_responses.request) query: DirectoryQuery<'canned_responses'>,
  ): Promise<DirectoryQueryReply<'canned_responses'>> {
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
    daily_summary: agent.dailySummary,
  };
}
