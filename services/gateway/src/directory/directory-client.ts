import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import {
  directoryPattern,
  directoryQueries,
  isOpenAt,
  type BusinessHours,
  type DirectoryAgentRecord,
  type DirectoryGroupRecord,
  type DirectoryQuery,
  type DirectoryQueryName,
  type DirectoryQueryReply,
  type SurveyQuestion,
} from '@livedesk/contracts';
import type { AllowedOriginsSource } from '@livedesk/auth';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import type { RtmConfig } from '../rtm/rtm-config.js';

/** What customers see of an agent (`AgentPublicProfile` of the contracts). */
export interface AgentProfile {
  agentId: string;
  /** The display name, or the name when there is none. */
  displayName: string;
  avatarUrl: string | null;
}

/**
 * How long an organization's default group and a group are kept: the default group never
 * changes; a group renamed or deleted is forgotten at once on the `organization_changed` signal
 * (forgetOrganization), this is the bound when a signal is lost.
 */
const STABLE_RECORDS_TTL_MS = 60_000;
/** The most ids one `agent_profiles` query carries. */
const PROFILES_BATCH = 500;

/**
 * The directory as the gateway reads it: the identity service's `directoryQueries` over NATS
 * request/reply, replies parsed (agents and groups as the contracts' records); the gateway never
 * reads the directory's tables. An organization's default group and its groups are kept a
 * minute, found records only (a group renamed or deleted is forgotten at once on the
 * `organization_changed` signal); agents are asked every time, since a disabled agent must be
 * refused at once.
 * The public profiles and allowed origins have caches of their own, forgotten on the
 * identity service's signals (AgentProfiles, AllowedOrigins). An identity service that does not
 * answer fails the request with `unavailable`, like any other service.
 */
@Injectable()
export class DirectoryClient implements AllowedOriginsSource {
  private readonly timeoutMs: number;
  private readonly defaultGroups = new LRUCache<string, string>({ max: 10_000, ttl: STABLE_RECORDS_TTL_MS });
  private readonly groups = new LRUCache<string, DirectoryGroupRecord>({ max: 10_000, ttl: STABLE_RECORDS_TTL_MS });
  private readonly hours = new LRUCache<string, { hours: BusinessHours | null }>({
    max: 10_000,
    ttl: STABLE_RECORDS_TTL_MS,
  });

  constructor(
    private readonly client: CommandClient,
    @Inject(SERVICE_CONFIG) config: RtmConfig,
  ) {
    this.timeoutMs = config.RTM_COMMAND_TIMEOUT_MS;
  }

  /** The group that takes the organization's chats that name none; undefined: no such organization. */
  async defaultGroupOf(organizationId: string): Promise<string | undefined> {
    const cached = this.defaultGroups.get(organizationId);
    if (cached !== undefined) return cached;
    const { organization } = await this.query('organization', { organization_id: organizationId });
    if (!organization) return undefined;
    this.defaultGroups.set(organizationId, organization.default_group_id);
    return organization.default_group_id;
  }

  /**
   * Whether the organization takes chats at `at` (its business hours); undefined: no such
   * organization. The hours are kept a minute, forgotten at once on `organization_changed`.
   */
  async takesChatsAt(organizationId: string, at: Date): Promise<boolean | undefined> {
    let kept = this.hours.get(organizationId);
    if (!kept) {
      const { organization } = await this.query('organization', { organization_id: organizationId });
      if (!organization) return undefined;
      kept = { hours: organization.business_hours ?? null };
      this.hours.set(organizationId, kept);
    }
    return isOpenAt(kept.hours, at);
  }

  /** The organization's settings or groups changed: what was kept of them is read again. */
  forgetOrganization(organizationId: string): void {
    this.hours.delete(organizationId);
    const prefix = `${organizationId}/`;
    for (const key of [...this.groups.keys()]) if (key.startsWith(prefix)) this.groups.delete(key);
  }

  /** The organization's `allowed_origins`; undefined: no such organization (AllowedOrigins keeps them). */
  async allowedOrigins(organizationId: string): Promise<string[] | undefined> {
    const { organization } = await this.query('organization', { organization_id: organizationId });
    return organization?.allowed_origins;
  }

  /** The organization's own post-chat survey questions, as they are now; undefined: no such organization. */
  async surveyQuestions(organizationId: string): Promise<SurveyQuestion[] | undefined> {
    const { organization } = await this.query('organization', { organization_id: organizationId });
    return organization?.survey_questions;
  }

  async getGroup(organizationId: string, groupId: string): Promise<DirectoryGroupRecord | undefined> {
    const key = `${organizationId}/${groupId}`;
    const cached = this.groups.get(key);
    if (cached) return cached;
    const { group } = await this.query('group', { organization_id: organizationId, group_id: groupId });
    if (!group) return undefined;
    this.groups.set(key, group);
    return group;
  }

  async listGroups(organizationId: string): Promise<DirectoryGroupRecord[]> {
    return (await this.query('groups', { organization_id: organizationId })).groups;
  }

  async getAgent(organizationId: string, agentId: string): Promise<DirectoryAgentRecord | undefined> {
    const { agent } = await this.query('agent', { organization_id: organizationId, agent_id: agentId });
    return agent ?? undefined;
  }

  /** The organization's enabled agents (of one group with `groupId`), ordered by id. */
  async listEnabledAgents(organizationId: string, filter: { groupId?: string } = {}): Promise<DirectoryAgentRecord[]> {
    const { agents } = await this.query('agents', {
      organization_id: organizationId,
      enabled_only: true,
      ...groupFilter(filter),
    });
    return agents;
  }

  /** Ids of the organization's agents (of one group with `groupId`), disabled ones included, ordered by id. */
  async listAgentIds(organizationId: string, filter: { groupId?: string } = {}): Promise<string[]> {
    const { agents } = await this.query('agents', {
      organization_id: organizationId,
      enabled_only: false,
      ...groupFilter(filter),
    });
    return agents.map((agent) => agent.agent_id);
  }

  async agentProfiles(organizationId: string, agentIds: readonly string[]): Promise<AgentProfile[]> {
    const profiles: AgentProfile[] = [];
    for (let start = 0; start < agentIds.length; start += PROFILES_BATCH) {
      const reply = await this.query('agent_profiles', {
        organization_id: organizationId,
        agent_ids: agentIds.slice(start, start + PROFILES_BATCH),
      });
      for (const profile of reply.profiles)
        profiles.push({ agentId: profile.agent_id, displayName: profile.display_name, avatarUrl: profile.avatar_url });
    }
    return profiles;
  }

  async getCustomer(
    organizationId: string,
    customerId: string,
  ): Promise<{ id: string; email: string | null; name: string | null } | undefined> {
    const customer = await this.customerRecord(organizationId, customerId);
    return customer ? { id: customer.customer_id, email: customer.email, name: customer.name } : undefined;
  }

  /** Whether the tag is on the organization's tag list (`tag_chat`). Asked every time: an admin may delete it any moment. */
  async isTagListed(organizationId: string, tag: string): Promise<boolean> {
    return (await this.query('tag', { organization_id: organizationId, tag })).tag !== null;
  }

  /** The customer's ban in force, if any (`login`, `start_chat`). */
  async customerBan(organizationId: string, customerId: string): Promise<DirectoryQueryReply<'customer_ban'>['ban']> {
    return (await this.query('customer_ban', { organization_id: organizationId, customer_id: customerId })).ban;
  }

  /** The customer as the directory has them, custom fields of their identity included; undefined for another organization's. */
  async customerRecord(
    organizationId: string,
    customerId: string,
  ): Promise<NonNullable<DirectoryQueryReply<'customer'>['customer']> | undefined> {
    const { customer } = await this.query('customer', { organization_id: organizationId, customer_id: customerId });
    return customer ?? undefined;
  }

  /** The organization's shared canned responses and the agent's own, as `list_canned_responses` answers them. */
  async cannedResponses(
    organizationId: string,
    agentId: string,
  ): Promise<DirectoryQueryReply<'canned_responses'>['canned_responses']> {
    return (await this.query('canned_responses', { organization_id: organizationId, agent_id: agentId }))
      .canned_responses;
  }

  private query<N extends DirectoryQueryName>(name: N, query: DirectoryQuery<N>): Promise<DirectoryQueryReply<N>> {
    const reply = directoryQueries[name].reply;
    return sendCommand(this.client, directoryPattern(name), query, {
      timeoutMs: this.timeoutMs,
      parseReply: (value) => reply.parse(value) as DirectoryQueryReply<N>,
    });
  }
}

function groupFilter(filter: { groupId?: string }): { group_id?: string } {
  return filter.groupId === undefined ? {} : { group_id: filter.groupId };
}
