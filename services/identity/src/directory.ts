import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely, type Transaction, type UpdateObject } from 'kysely';
import {
  allEvents,
  streamId,
  type AgentKind,
  type AgentRole,
  type BusinessHours,
  type DirectoryEditor,
  type SearchLanguage,
  type SurveyQuestion,
} from '@livedesk/contracts';
import { append, AppendNotifier } from '@livedesk/event-store';
import { normalizeEmail } from './normalize-email.js';
import { createApiKey } from './api-keys.js';
import type {
  Agent,
  AgentChanges,
  AgentCredentials,
  AgentProfile,
  Customer,
  CustomerProfile,
  Group,
  NewAgent,
  NewGroup,
  NewOrganization,
  Organization,
  OrganizationChanges,
} from './directory-records.js';
import type { DirectoryTables } from './directory-tables.js';
import { IdentityError } from './identity-errors.js';
import type { PasswordHasher } from './password-hasher.js';
import { FOREIGN_KEY_VIOLATION, pgErrorOf, UNIQUE_VIOLATION } from './pg-errors.js';
import { canonicalTimeZone } from './time-zone.js';

const DEFAULT_GROUP_NAME = 'General';

/**
 * The installation's directory: organizations, their groups, agents and customers (schema
 * `directory`). Every read by id takes the organization id as well, so a caller holding an
 * id of another organization finds nothing. The two exceptions are the login look-ups (by
 * email, by API key id), which run before any organization is known and return credentials
 * only to the login code.
 */
export class Directory {
  private readonly appended: AppendNotifier;

  constructor(
    private readonly db: Kysely<DirectoryTables>,
    private readonly passwords: PasswordHasher,
  ) {
    this.appended = new AppendNotifier(db);
  }

  /**
   * Creates an organization with its default group, `General`, and records it as an
   * `OrganizationCreated` event in the same transaction (other services, metrics among them,
   * learn the organization's time zone from it).
   */
  async createOrganization(
    input: NewOrganization,
  ): Promise<{ organizationId: string; identitySecret: string; defaultGroupId: string }> {
    const timeZone = input.timeZone === undefined ? 'UTC' : canonicalTimeZone(input.timeZone);
    if (timeZone === undefined)
      throw new IdentityError('validation', `time_zone: "${input.timeZone}" is not an IANA time zone`);
    const organizationId = randomUUID();
    const defaultGroupId = randomUUID();
    const identitySecret = randomBytes(32).toString('base64url');
    // The organization names its default group and the group its organization; the key from the
    // organization to the group is deferred to the commit.
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('directory.organizations')
        .values({
          id: organizationId,
          name: input.name,
          time_zone: timeZone,
          identity_secret: identitySecret,
          default_group_id: defaultGroupId,
        })
        .execute();
      await trx
        .insertInto('directory.groups')
        .values({ id: defaultGroupId, organization_id: organizationId, name: DEFAULT_GROUP_NAME, routing: 'auto' })
        .execute();
      const created = allEvents.encode('OrganizationCreated', {
        organization_id: organizationId,
        name: input.name,
        time_zone: timeZone,
      });
      const group = allEvents.encode('GroupSaved', {
        group_id: defaultGroupId,
        name: DEFAULT_GROUP_NAME,
        routing: 'auto',
      });
      await append(
        trx,
        streamId('organization', organizationId),
        organizationId,
        [
          { eventId: randomUUID(), ...created },
          { eventId: randomUUID(), ...group },
        ],
        'no_stream',
      );
    });
    this.appended.poke();
    return { organizationId, identitySecret, defaultGroupId };
  }

  async createGroup(organizationId: string, input: NewGroup, by?: DirectoryEditor): Promise<{ groupId: string }> {
    await this.requireOrganization(organizationId);
    const groupId = randomUUID();
    const routing = input.routing ?? 'auto';
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('directory.groups')
          .values({ id: groupId, organization_id: organizationId, name: input.name, routing })
          .execute();
        await recordChanges(trx, organizationId, [
          allEvents.encode('GroupSaved', { group_id: groupId, name: input.name, routing, ...(by ? { by } : {}) }),
        ]);
      });
    } catch (error) {
      throw this.translate(error, organizationId, { name: input.name });
    }
    this.appended.poke();
    return { groupId };
  }

  /** Creates an agent with a password and an API key; the key is returned once and never stored whole. */
  async createAgent(
    organizationId: string,
    input: NewAgent,
    by?: DirectoryEditor,
  ): Promise<{ agentId: string; apiKey: string }> {
    const email = normalizeEmail(input.email);
    const groupIds = [...new Set(input.groupIds ?? [])];
    await this.requireOrganization(organizationId);
    await this.requireGroups(organizationId, groupIds);
    // Hashing takes tens of milliseconds: done before the transaction, which then stays short.
    const passwordHash = await this.passwords.hash(input.password);
    const apiKey = createApiKey();
    const agentId = randomUUID();
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('directory.agents')
          .values({
            id: agentId,
            organization_id: organizationId,
            email,
            name: input.name,
            role: input.role,
            kind: input.kind ?? 'human',
            max_chats: input.maxChats ?? null,
            password_hash: passwordHash,
            api_key_id: apiKey.keyId,
            api_key_hash: apiKey.secretHash,
          })
          .execute();
        if (groupIds.length > 0) {
          await trx
            .insertInto('directory.agent_groups')
            .values(
              groupIds.map((groupId) => ({ organization_id: organizationId, agent_id: agentId, group_id: groupId })),
            )
            .execute();
        }
        await recordChanges(trx, organizationId, [await agentSaved(trx, organizationId, agentId, by)]);
      });
    } catch (error) {
      throw this.translate(error, organizationId, { email });
    }
    this.appended.poke();
    return { agentId, apiKey: apiKey.key };
  }

  /** Login only: emails are unique across the installation, compared case-insensitively. */
  async findAgentByEmail(email: string): Promise<AgentCredentials | undefined> {
    const row = await this.credentials().where('email', '=', normalizeEmail(email)).executeTakeFirst();
    return row && credentialsOf(row);
  }

  /** Login only: the key id of an `ldk_<keyId>_<secret>` API key. */
  async findAgentByApiKeyId(apiKeyId: string): Promise<AgentCredentials | undefined> {
    const row = await this.credentials().where('api_key_id', '=', apiKeyId).executeTakeFirst();
    return row && credentialsOf(row);
  }

  async getOrganization(organizationId: string): Promise<Organization | undefined> {
    const row = await this.db
      .selectFrom('directory.organizations')
      .select(ORGANIZATION_COLUMNS)
      .where('id', '=', organizationId)
      .executeTakeFirst();
    return row && organizationOf(row);
  }

  /**
   * Changes an organization's settings; answers it as it is now, or undefined when there is no
   * such organization. Recorded as `OrganizationSettingsChanged` (the names of the settings
   * changed, by `by`) in the same transaction.
   */
  async updateOrganization(
    organizationId: string,
    changes: OrganizationChanges,
    by?: DirectoryEditor,
  ): Promise<Organization | undefined> {
    const set: UpdateObject<DirectoryTables, 'directory.organizations'> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.allowedOrigins !== undefined) set.allowed_origins = changes.allowedOrigins;
    if (changes.welcomeMessage !== undefined) set.welcome_message = changes.welcomeMessage;
    // jsonb: written as JSON text (node-postgres would send a bare array as a Postgres array).
    if (changes.businessHours !== undefined)
      set.business_hours =
        changes.businessHours === null ? null : sql<BusinessHours>`${JSON.stringify(changes.businessHours)}::jsonb`;
    if (changes.widgetOpenDelaySeconds !== undefined) set.widget_open_delay_seconds = changes.widgetOpenDelaySeconds;
    if (changes.searchLanguage !== undefined) set.search_language = changes.searchLanguage;
    if (changes.transcriptOnClose !== undefined) set.transcript_on_close = changes.transcriptOnClose;
    if (changes.chatInactivitySeconds !== undefined) set.chat_inactivity_seconds = changes.chatInactivitySeconds;
    if (changes.surveyQuestions !== undefined)
      set.survey_questions = sql<SurveyQuestion[]>`${JSON.stringify(changes.surveyQuestions)}::jsonb`;
    if (Object.keys(set).length === 0) return this.getOrganization(organizationId);
    const row = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('directory.organizations')
        .set(set)
        .where('id', '=', organizationId)
        .returning(ORGANIZATION_COLUMNS)
        .executeTakeFirst();
      if (!updated) return undefined;
      await recordChanges(trx, organizationId, [
        allEvents.encode('OrganizationSettingsChanged', {
          // The columns are named as the API's fields.
          fields: Object.keys(set).sort(),
          ...(by ? { by } : {}),
        }),
      ]);
      return updated;
    });
    if (row) this.appended.poke();
    return row && organizationOf(row);
  }

  /** The origins an organization allows, or undefined when there is no such organization. */
  async allowedOrigins(organizationId: string): Promise<string[] | undefined> {
    const row = await this.db
      .selectFrom('directory.organizations')
      .select('allowed_origins')
      .where('id', '=', organizationId)
      .executeTakeFirst();
    return row?.allowed_origins;
  }

  /** Whether any organization of the installation allows `origin` (the CORS preflight, which names no organization). */
  async isOriginListed(origin: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('directory.organizations')
      .select('id')
      .where('allowed_origins', '@>', sql<string[]>`ARRAY[${origin}]::text[]`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async getGroup(organizationId: string, groupId: string): Promise<Group | undefined> {
    const row = await this.db
      .selectFrom('directory.groups')
      .select(['id', 'organization_id', 'name', 'routing', 'created_at'])
      .where('organization_id', '=', organizationId)
      .where('id', '=', groupId)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        organizationId: row.organization_id,
        name: row.name,
        routing: row.routing,
        createdAt: row.created_at,
      }
    );
  }

  /** The organization's groups, oldest first. */
  async listGroups(organizationId: string): Promise<Group[]> {
    const rows = await this.db
      .selectFrom('directory.groups')
      .select(['id', 'organization_id', 'name', 'routing', 'created_at'])
      .where('organization_id', '=', organizationId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      organizationId: row.organization_id,
      name: row.name,
      routing: row.routing,
      createdAt: row.created_at,
    }));
  }

  async getAgent(organizationId: string, agentId: string): Promise<Agent | undefined> {
    const row = await this.db
      .selectFrom('directory.agents')
      .select(AGENT_COLUMNS)
      .where('organization_id', '=', organizationId)
      .where('id', '=', agentId)
      .executeTakeFirst();
    if (!row) return undefined;
    const groups = await this.db
      .selectFrom('directory.agent_groups')
      .select('group_id')
      .where('organization_id', '=', organizationId)
      .where('agent_id', '=', agentId)
      .orderBy('group_id')
      .execute();
    return agentOf(
      row,
      groups.map((group) => group.group_id),
    );
  }

  /**
   * Changes an agent (name, display name, avatar, disabled, role, chat limit, groups: the list
   * given replaces the agent's); answers the agent as it is now, or undefined when the
   * organization has no such agent. Unknown groups, and another organization's, are refused
   * (validation). A disabled agent's tokens are refused from then on (the caller tells the other
   * replicas and services: `AgentChangedSignal`). Recorded as `AgentSaved`, by `by`.
   */
  async updateAgent(
    organizationId: string,
    agentId: string,
    changes: AgentChanges,
    by?: DirectoryEditor,
  ): Promise<Agent | undefined> {
    const set: UpdateObject<DirectoryTables, 'directory.agents'> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.displayName !== undefined) set.display_name = changes.displayName;
    if (changes.avatarUrl !== undefined) set.avatar_url = changes.avatarUrl;
    if (changes.dailySummary !== undefined) set.daily_summary = changes.dailySummary;
    if (changes.role !== undefined) set.role = changes.role;
    if (changes.maxChats !== undefined) set.max_chats = changes.maxChats;
    if (changes.disabled !== undefined)
      set.disabled_at = changes.disabled ? sql<Date>`coalesce(disabled_at, now())` : null;
    const groupIds = changes.groupIds === undefined ? undefined : [...new Set(changes.groupIds)];
    if (Object.keys(set).length > 0 || groupIds !== undefined) {
      if (groupIds !== undefined) await this.requireGroups(organizationId, groupIds);
      let updated: boolean;
      try {
        updated = await this.db.transaction().execute(async (trx) => {
          // The row lock orders concurrent changes of one agent, so that each AgentSaved is the agent as it was committed.
          const found = await trx
            .selectFrom('directory.agents')
            .select('id')
            .where('organization_id', '=', organizationId)
            .where('id', '=', agentId)
            .forUpdate()
            .executeTakeFirst();
          if (!found) return false;
          if (Object.keys(set).length > 0) {
            await trx
              .updateTable('directory.agents')
              .set(set)
              .where('organization_id', '=', organizationId)
              .where('id', '=', agentId)
              .execute();
          }
          if (groupIds !== undefined) {
            await trx
              .deleteFrom('directory.agent_groups')
              .where('organization_id', '=', organizationId)
              .where('agent_id', '=', agentId)
              .execute();
            if (groupIds.length > 0) {
              await trx
                .insertInto('directory.agent_groups')
                .values(
                  groupIds.map((groupId) => ({
                    organization_id: organizationId,
                    agent_id: agentId,
                    group_id: groupId,
                  })),
                )
                .execute();
            }
          }
          await recordChanges(trx, organizationId, [await agentSaved(trx, organizationId, agentId, by)]);
          return true;
        });
      } catch (error) {
        throw this.translate(error, organizationId, {});
      }
      if (!updated) return undefined;
      this.appended.poke();
    }
    return this.getAgent(organizationId, agentId);
  }

  /** Every agent of the organization, disabled ones too, oldest first, with their groups (two queries). */
  async listAgents(organizationId: string): Promise<Agent[]> {
    const rows = await this.db
      .selectFrom('directory.agents')
      .select(AGENT_COLUMNS)
      .where('organization_id', '=', organizationId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return this.withGroups(organizationId, rows);
  }

  /** Renames a group (`GroupSaved`); undefined when the organization has no such group. */
  async renameGroup(
    organizationId: string,
    groupId: string,
    name: string,
    by: DirectoryEditor,
  ): Promise<Group | undefined> {
    let renamed: boolean;
    try {
      renamed = await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('directory.groups')
          .set({ name })
          .where('organization_id', '=', organizationId)
          .where('id', '=', groupId)
          .returning(['routing'])
          .executeTakeFirst();
        if (!row) return false;
        await recordChanges(trx, organizationId, [
          allEvents.encode('GroupSaved', { group_id: groupId, name, routing: row.routing, by }),
        ]);
        return true;
      });
    } catch (error) {
      throw this.translate(error, organizationId, { name });
    }
    if (!renamed) return undefined;
    this.appended.poke();
    return this.getGroup(organizationId, groupId);
  }

  /**
   * Deletes a group (`GroupDeleted`); false when the organization has no such group. Refused
   * (409) for the organization's default group (`default_group`), which takes the chats that
   * name none, and while agents are members (`group_has_agents`): an admin moves them first
   * (`PATCH …/agents/:agent_id` {groups}), so that nobody silently stops getting chats.
   */
  async deleteGroup(organizationId: string, groupId: string, by: DirectoryEditor): Promise<boolean> {
    const deleted = await this.db.transaction().execute(async (trx) => {
      // The row lock waits for (and then fails) an agent being added to the group at this moment: its
      // key check locks the same row.
      const group = await trx
        .selectFrom('directory.groups')
        .select(['name'])
        .where('organization_id', '=', organizationId)
        .where('id', '=', groupId)
        .forUpdate()
        .executeTakeFirst();
      if (!group) return false;
      const organization = await trx
        .selectFrom('directory.organizations')
        .select('default_group_id')
        .where('id', '=', organizationId)
        .executeTakeFirstOrThrow();
      if (organization.default_group_id === groupId)
        throw new IdentityError(
          'conflict',
          "the organization's default group takes the chats that name no group and cannot be deleted",
          'default_group',
        );
      const members = await trx
        .selectFrom('directory.agent_groups')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('organization_id', '=', organizationId)
        .where('group_id', '=', groupId)
        .executeTakeFirstOrThrow();
      if (Number(members.count) > 0)
        throw new IdentityError(
          'conflict',
          `${members.count} agent(s) are members of the group: move them to other groups first`,
          'group_has_agents',
        );
      await trx
        .deleteFrom('directory.groups')
        .where('organization_id', '=', organizationId)
        .where('id', '=', groupId)
        .execute();
      await recordChanges(trx, organizationId, [
        allEvents.encode('GroupDeleted', { group_id: groupId, name: group.name, by }),
      ]);
      return true;
    });
    if (deleted) this.appended.poke();
    return deleted;
  }

  /**
   * Stores a new hash of an agent's password in place of `previousHash`, unless the password
   * changed meanwhile (then the newer hash stays).
   */
  async replacePasswordHash(
    organizationId: string,
    agentId: string,
    previousHash: string,
    newHash: string,
  ): Promise<void> {
    await this.db
      .updateTable('directory.agents')
      .set({ password_hash: newHash })
      .where('organization_id', '=', organizationId)
      .where('id', '=', agentId)
      .where('password_hash', '=', previousHash)
      .execute();
  }

  /** Disables or enables an agent (`updateAgent` with `disabled` alone). */
  setAgentDisabled(organizationId: string, agentId: string, disabled: boolean): Promise<Agent | undefined> {
    return this.updateAgent(organizationId, agentId, { disabled });
  }

  /**
   * What customers may see of the organization's agents among `agentIds` (unknown ids and other
   * organizations' agents are left out): the display name, falling back to the name, and the avatar.
   */
  async agentProfiles(organizationId: string, agentIds: readonly string[]): Promise<AgentProfile[]> {
    if (agentIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('directory.agents')
      .select(['id', 'name', 'display_name', 'avatar_url'])
      .where('organization_id', '=', organizationId)
      .where('id', 'in', [...agentIds])
      .execute();
    return rows.map((row) => ({
      agentId: row.id,
      displayName: row.display_name ?? row.name,
      avatarUrl: row.avatar_url,
    }));
  }

  /** Ids of the organization's agents, optionally only those of a role or a group, in a stable order. */
  async listAgentIds(organizationId: string, filter: { role?: AgentRole; groupId?: string } = {}): Promise<string[]> {
    let query = this.db
      .selectFrom('directory.agents')
      .select('directory.agents.id')
      .where('directory.agents.organization_id', '=', organizationId);
    if (filter.role !== undefined) query = query.where('directory.agents.role', '=', filter.role);
    if (filter.groupId !== undefined) query = query.where(memberOfGroup(organizationId, filter.groupId));
    const rows = await query.orderBy('directory.agents.id').execute();
    return rows.map((row) => row.id);
  }

  /**
   * The organization's enabled agents (of one group with `groupId`), ordered by id, with their
   * groups: two queries whatever the number of agents (`list_agents`).
   */
  async listEnabledAgents(organizationId: string, filter: { groupId?: string } = {}): Promise<Agent[]> {
    let query = this.db
      .selectFrom('directory.agents')
      .select(AGENT_COLUMNS)
      .where('organization_id', '=', organizationId)
      .where('disabled_at', 'is', null);
    if (filter.groupId !== undefined) query = query.where(memberOfGroup(organizationId, filter.groupId));
    const rows = await query.orderBy('id').execute();
    return this.withGroups(organizationId, rows);
  }

  /** The agents of `rows` with their groups, in the order of `rows`: one more query. */
  private async withGroups(organizationId: string, rows: Parameters<typeof agentOf>[0][]): Promise<Agent[]> {
    if (rows.length === 0) return [];
    const memberships = await this.db
      .selectFrom('directory.agent_groups')
      .select(['agent_id', 'group_id'])
      .where('organization_id', '=', organizationId)
      .where(
        'agent_id',
        'in',
        rows.map((row) => row.id),
      )
      .orderBy('group_id')
      .execute();
    const groupsOf = new Map<string, string[]>();
    for (const { agent_id: agentId, group_id: groupId } of memberships)
      groupsOf.set(agentId, [...(groupsOf.get(agentId) ?? []), groupId]);
    return rows.map((row) => agentOf(row, groupsOf.get(row.id) ?? []));
  }

  /**
   * The customer's id. With an external id (a signed identity) the same customer every time,
   * its email and name refreshed from the latest identity; without one (anonymous) a new
   * customer each time.
   */
  async upsertCustomer(organizationId: string, profile: CustomerProfile = {}): Promise<string> {
    const values = {
      id: randomUUID(),
      organization_id: organizationId,
      external_id: profile.externalId ?? null,
      email: profile.email ?? null,
      name: profile.name ?? null,
      custom_fields:
        profile.customFields === undefined
          ? null
          : sql<Record<string, string | number | boolean>>`${JSON.stringify(profile.customFields)}::jsonb`,
    };
    try {
      if (profile.externalId === undefined) {
        await this.db.insertInto('directory.customers').values(values).execute();
        return values.id;
      }
      const row = await this.db
        .insertInto('directory.customers')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['organization_id', 'external_id']).doUpdateSet((eb) => ({
            email: eb.fn.coalesce('excluded.email', 'directory.customers.email'),
            name: eb.fn.coalesce('excluded.name', 'directory.customers.name'),
            // An identity without the claim keeps the fields of the last one that had it.
            custom_fields: eb.fn.coalesce('excluded.custom_fields', 'directory.customers.custom_fields'),
          })),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    } catch (error) {
      throw this.translate(error, organizationId, {});
    }
  }

  async getCustomer(organizationId: string, customerId: string): Promise<Customer | undefined> {
    const row = await this.db
      .selectFrom('directory.customers')
      .select(['id', 'organization_id', 'external_id', 'email', 'name', 'custom_fields', 'created_at'])
      .where('organization_id', '=', organizationId)
      .where('id', '=', customerId)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        organizationId: row.organization_id,
        externalId: row.external_id,
        email: row.email,
        name: row.name,
        customFields: row.custom_fields ?? {},
        createdAt: row.created_at,
      }
    );
  }

  private credentials() {
    return this.db
      .selectFrom('directory.agents')
      .select(['id', 'organization_id', 'role', 'kind', 'password_hash', 'api_key_hash', 'disabled_at']);
  }

  private async requireOrganization(organizationId: string): Promise<void> {
    const found = await this.db
      .selectFrom('directory.organizations')
      .select('id')
      .where('id', '=', organizationId)
      .executeTakeFirst();
    if (!found) throw unknownOrganization(organizationId);
  }

  private async requireGroups(organizationId: string, groupIds: string[]): Promise<void> {
    if (groupIds.length === 0) return;
    const found = await this.db
      .selectFrom('directory.groups')
      .select('id')
      .where('organization_id', '=', organizationId)
      .where('id', 'in', groupIds)
      .execute();
    const known = new Set(found.map((row) => row.id));
    const index = groupIds.findIndex((groupId) => !known.has(groupId));
    if (index >= 0) throw new IdentityError('validation', `groups: no group "${groupIds[index]}" in this organization`);
  }

  /** Unique and foreign-key violations as the client errors they are; anything else as it is. */
  private translate(error: unknown, organizationId: string, subject: { email?: string; name?: string }): unknown {
    const { code, constraint } = pgErrorOf(error);
    if (code === UNIQUE_VIOLATION && constraint === 'agents_email_unique') {
      return new IdentityError('conflict', `an agent with email ${subject.email ?? ''} already exists`);
    }
    if (code === UNIQUE_VIOLATION && constraint === 'groups_organization_name_unique') {
      return new IdentityError('conflict', `the organization already has a group named "${subject.name ?? ''}"`);
    }
    // A group deleted between the check of the groups given and the write.
    if (code === FOREIGN_KEY_VIOLATION && constraint === 'agent_groups_organization_id_group_id_fkey')
      return new IdentityError('validation', 'groups: a group given was deleted meanwhile');
    // The organization was checked first; this covers the rows that name it without that check.
    if (code === FOREIGN_KEY_VIOLATION) return unknownOrganization(organizationId);
    return error;
  }
}

const ORGANIZATION_COLUMNS = [
  'id',
  'name',
  'time_zone',
  'identity_secret',
  'default_group_id',
  'allowed_origins',
  'welcome_message',
  'business_hours',
  'widget_open_delay_seconds',
  'search_language',
  'transcript_on_close',
  'chat_inactivity_seconds',
  'survey_questions',
  'created_at',
] as const;

function organizationOf(row: {
  id: string;
  name: string;
  time_zone: string;
  identity_secret: string;
  default_group_id: string;
  allowed_origins: string[];
  welcome_message: string | null;
  business_hours: BusinessHours | null;
  widget_open_delay_seconds: number | null;
  search_language: SearchLanguage;
  transcript_on_close: boolean;
  chat_inactivity_seconds: number;
  survey_questions: SurveyQuestion[];
  created_at: Date;
}): Organization {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    identitySecret: row.identity_secret,
    defaultGroupId: row.default_group_id,
    allowedOrigins: row.allowed_origins,
    welcomeMessage: row.welcome_message,
    businessHours: row.business_hours,
    widgetOpenDelaySeconds: row.widget_open_delay_seconds,
    searchLanguage: row.search_language,
    transcriptOnClose: row.transcript_on_close,
    chatInactivitySeconds: row.chat_inactivity_seconds,
    surveyQuestions: row.survey_questions,
    createdAt: row.created_at,
  };
}

const AGENT_COLUMNS = [
  'id',
  'organization_id',
  'email',
  'name',
  'display_name',
  'avatar_url',
  'role',
  'kind',
  'max_chats',
  'disabled_at',
  'daily_summary',
  'created_at',
] as const;

function agentOf(
  row: {
    id: string;
    organization_id: string;
    email: string;
    name: string;
    display_name: string | null;
    avatar_url: string | null;
    role: AgentRole;
    kind: AgentKind;
    max_chats: number | null;
    disabled_at: Date | null;
    daily_summary: boolean;
    created_at: Date;
  },
  groupIds: string[],
): Agent {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    name: row.name,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    role: row.role,
    kind: row.kind,
    maxChats: row.max_chats,
    groupIds,
    disabled: row.disabled_at !== null,
    dailySummary: row.daily_summary,
    createdAt: row.created_at,
  };
}

/**
 * Records directory changes as events of the organization's stream, in the transaction that
 * makes them (other services, metrics among them, keep their copies from these; the caller
 * wakes the relay after the commit).
 */
export async function recordChanges(
  trx: Transaction<DirectoryTables>,
  organizationId: string,
  events: { type: string; schemaVersion: number; data: unknown }[],
): Promise<void> {
  await append(
    trx,
    streamId('organization', organizationId),
    organizationId,
    events.map((event) => ({ eventId: randomUUID(), ...event })),
    'any',
  );
}

/** `AgentSaved` with the agent as the transaction sees it now: names, role, groups, limit, disabled; no email or credentials. */
async function agentSaved(
  trx: Transaction<DirectoryTables>,
  organizationId: string,
  agentId: string,
  by: DirectoryEditor | undefined,
) {
  const row = await trx
    .selectFrom('directory.agents')
    .select(['name', 'display_name', 'role', 'kind', 'max_chats', 'disabled_at'])
    .where('organization_id', '=', organizationId)
    .where('id', '=', agentId)
    .executeTakeFirstOrThrow();
  const groups = await trx
    .selectFrom('directory.agent_groups')
    .select('group_id')
    .where('organization_id', '=', organizationId)
    .where('agent_id', '=', agentId)
    .orderBy('group_id')
    .execute();
  return allEvents.encode('AgentSaved', {
    agent_id: agentId,
    name: row.name,
    display_name: row.display_name,
    role: row.role,
    kind: row.kind,
    group_ids: groups.map((group) => group.group_id),
    disabled: row.disabled_at !== null,
    max_chats: row.max_chats,
    ...(by ? { by } : {}),
  });
}

function unknownOrganization(organizationId: string): IdentityError {
  return new IdentityError('not_found', `no organization "${organizationId}"`);
}

function credentialsOf(row: {
  id: string;
  organization_id: string;
  role: AgentRole;
  kind: AgentKind;
  password_hash: string;
  api_key_hash: Buffer;
  disabled_at: Date | null;
}): AgentCredentials {
  return {
    id: row.id,
    organizationId: row.organization_id,
    role: row.role,
    kind: row.kind,
    passwordHash: row.password_hash,
    apiKeyHash: row.api_key_hash,
    disabled: row.disabled_at !== null,
  };
}

/** Agents (rows of `directory.agents`) who are members of the organization's group. */
function memberOfGroup(organizationId: string, groupId: string) {
  return ({ exists, selectFrom }: ExpressionBuilder<DirectoryTables, 'directory.agents'>) =>
    exists(
      selectFrom('directory.agent_groups')
        .select('directory.agent_groups.agent_id')
        .whereRef('directory.agent_groups.agent_id', '=', 'directory.agents.id')
        .where('directory.agent_groups.organization_id', '=', organizationId)
        .where('directory.agent_groups.group_id', '=', groupId),
    );
}
