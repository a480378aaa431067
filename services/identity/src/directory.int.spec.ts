import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createDatabase } from '@livedesk/event-store';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { Directory } from './directory.js';
import type { DirectoryTables } from './directory-tables.js';
import { IdentityError } from './identity-errors.js';
import { migrateDirectory } from './migrate-directory.js';
import { PasswordHasher } from './password-hasher.js';

describe('Directory', () => {
  let database: TestDatabase;
  let db: Kysely<DirectoryTables>;
  let directory: Directory;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase<DirectoryTables>(database.url, { max: 6, applicationName: 'directory-test' });
    directory = new Directory(db, new PasswordHasher());
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('migrates once when replicas start together, and again as a no-op', async () => {
    await Promise.all([migrateDirectory(db), migrateDirectory(db), migrateDirectory(db)]);
    await migrateDirectory(db);
    const { rows } = await sql<{ name: string }>`SELECT name FROM public.directory_migrations`.execute(db);
    expect(rows.map((row) => row.name)).toEqual([
      '2026-11-24-01-directory',
      '2026-11-24-02-canned-responses',
      '2026-12-05-01-agent-disabled',
      '2026-12-05-02-allowed-origins',
      '2026-12-05-03-widget-profile',
      '2026-12-05-04-customer-fields',
      '2026-12-05-04-tags-and-bans',
      '2026-12-05-10-directory-events',
      '2026-12-05-11-chat-inactivity',
      '2026-12-05-11-search-and-transcripts',
      '2026-12-05-11-survey-and-summary',
    ]);
  });

  it('records a new organization as OrganizationCreated in its own stream, with the canonical time zone and its default group', async () => {
    const { organizationId, defaultGroupId } = await directory.createOrganization({
      name: 'Zoned',
      timeZone: 'europe/warsaw',
    });
    const { rows } = await sql<{ stream_id: string; type: string; data: unknown; organization_id: string }>`
      SELECT stream_id, type, data, organization_id FROM event_store.events WHERE stream_id = ${`organization-${organizationId}`} ORDER BY stream_version`.execute(
      db,
    );
    expect(rows).toEqual([
      {
        stream_id: `organization-${organizationId}`,
        type: 'OrganizationCreated',
        organization_id: organizationId,
        data: { organization_id: organizationId, name: 'Zoned', time_zone: 'Europe/Warsaw' },
      },
      {
        stream_id: `organization-${organizationId}`,
        type: 'GroupSaved',
        organization_id: organizationId,
        data: { group_id: defaultGroupId, name: 'General', routing: 'auto' },
      },
    ]);
  });

  it('records groups and agents as they are after each change (GroupSaved, AgentSaved), never their email or credentials', async () => {
    const { organizationId, defaultGroupId } = await directory.createOrganization({ name: 'Recorded' });
    const { groupId } = await directory.createGroup(organizationId, { name: 'Billing', routing: 'manual' });
    const { agentId } = await directory.createAgent(organizationId, {
      email: 'recorded@example.com',
      name: 'Rita Recorded',
      password: 'password-rita',
      role: 'supervisor',
      groupIds: [groupId, defaultGroupId],
    });
    await directory.updateAgent(organizationId, agentId, { displayName: 'Rita' });
    await directory.setAgentDisabled(organizationId, agentId, true);
    // A change of an unknown agent records nothing.
    expect(await directory.updateAgent(organizationId, 'no-such-agent', { displayName: 'X' })).toBeUndefined();

    const { rows } = await sql<{ type: string; data: Record<string, unknown> }>`
      SELECT type, data FROM event_store.events WHERE stream_id = ${`organization-${organizationId}`} ORDER BY stream_version`.execute(
      db,
    );
    const groups = [groupId, defaultGroupId].sort();
    const saved = {
      agent_id: agentId,
      name: 'Rita Recorded',
      role: 'supervisor',
      kind: 'human',
      group_ids: groups,
      max_chats: null,
    };
    expect(rows.slice(2)).toEqual([
      { type: 'GroupSaved', data: { group_id: groupId, name: 'Billing', routing: 'manual' } },
      { type: 'AgentSaved', data: { ...saved, display_name: null, disabled: false } },
      { type: 'AgentSaved', data: { ...saved, display_name: 'Rita', disabled: false } },
      { type: 'AgentSaved', data: { ...saved, display_name: 'Rita', disabled: true } },
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/recorded@example\.com|password|api_key/);
  });

  it('never lets one organization read the rows of another by id', async () => {
    const acme = await directory.createOrganization({ name: 'Acme' });
    const globex = await directory.createOrganization({ name: 'Globex' });
    const { agentId } = await directory.createAgent(acme.organizationId, {
      email: 'isolated@example.com',
      name: 'I',
      password: 'password-i',
      role: 'agent',
      groupIds: [acme.defaultGroupId],
    });
    const customerId = await directory.upsertCustomer(acme.organizationId, { externalId: 'u-1' });

    expect(await directory.getAgent(acme.organizationId, agentId)).toMatchObject({
      id: agentId,
      groupIds: [acme.defaultGroupId],
    });
    expect(await directory.getAgent(globex.organizationId, agentId)).toBeUndefined();
    expect(await directory.getGroup(acme.organizationId, acme.defaultGroupId)).toMatchObject({
      name: 'General',
      routing: 'auto',
    });
    expect(await directory.getGroup(globex.organizationId, acme.defaultGroupId)).toBeUndefined();
    expect(await directory.getCustomer(acme.organizationId, customerId)).toMatchObject({ externalId: 'u-1' });
    expect(await directory.getCustomer(globex.organizationId, customerId)).toBeUndefined();
    expect(await directory.listAgentIds(globex.organizationId)).toEqual([]);
    // The same site user id in another organization is another customer.
    expect(await directory.upsertCustomer(globex.organizationId, { externalId: 'u-1' })).not.toBe(customerId);
  });

  it('refuses, in the database too, an agent-group link across organizations', async () => {
    const acme = await directory.createOrganization({ name: 'Acme 2' });
    const globex = await directory.createOrganization({ name: 'Globex 2' });
    const { agentId } = await directory.createAgent(acme.organizationId, {
      email: 'linked@example.com',
      name: 'L',
      password: 'password-l',
      role: 'agent',
    });
    const insert = db
      .insertInto('directory.agent_groups')
      .values({ organization_id: acme.organizationId, agent_id: agentId, group_id: globex.defaultGroupId })
      .execute();
    await expect(insert).rejects.toMatchObject({ code: '23503' });
  });

  it('lists agent ids by role and by group', async () => {
    const { organizationId, defaultGroupId } = await directory.createOrganization({
      name: 'Listing',
      timeZone: 'Asia/Tokyo',
    });
    const { groupId: vip } = await directory.createGroup(organizationId, { name: 'VIP', routing: 'manual' });
    const make = (email: string, role: 'agent' | 'supervisor' | 'admin', groupIds: string[]) =>
      directory
        .createAgent(organizationId, { email, name: email, password: 'password-x', role, groupIds })
        .then((created) => created.agentId);
    const [a, b, c] = await Promise.all([
      make('list-a@example.com', 'agent', [defaultGroupId]),
      make('list-b@example.com', 'supervisor', [defaultGroupId, vip]),
      make('list-c@example.com', 'agent', [vip]),
    ]);
    expect(await directory.listAgentIds(organizationId)).toEqual([a, b, c].sort());
    expect(await directory.listAgentIds(organizationId, { role: 'agent' })).toEqual([a, c].sort());
    expect(await directory.listAgentIds(organizationId, { groupId: vip })).toEqual([b, c].sort());
    expect(await directory.listAgentIds(organizationId, { role: 'agent', groupId: vip })).toEqual([c]);
    expect(await directory.getOrganization(organizationId)).toMatchObject({
      name: 'Listing',
      timeZone: 'Asia/Tokyo',
      defaultGroupId,
    });
    expect(await directory.getGroup(organizationId, vip)).toMatchObject({
      organizationId,
      name: 'VIP',
      routing: 'manual',
    });
  });

  it("lists enabled agents with their groups, of one group when asked, never another organization's", async () => {
    const { organizationId, defaultGroupId } = await directory.createOrganization({ name: 'Team', timeZone: 'UTC' });
    const { groupId: vip } = await directory.createGroup(organizationId, { name: 'VIP' });
    const other = await directory.createOrganization({ name: 'Other team', timeZone: 'UTC' });
    const make = (org: string, email: string, groupIds: string[]) =>
      directory
        .createAgent(org, { email, name: email, password: 'password-x', role: 'agent', groupIds })
        .then((created) => created.agentId);
    const a = await make(organizationId, 'team-a@example.com', [defaultGroupId]);
    const b = await make(organizationId, 'team-b@example.com', [vip, defaultGroupId]);
    const disabled = await make(organizationId, 'team-c@example.com', [vip]);
    await make(other.organizationId, 'team-d@example.com', [other.defaultGroupId]);
    await directory.setAgentDisabled(organizationId, disabled, true);

    const all = await directory.listEnabledAgents(organizationId);
    expect(all.map((agent) => agent.id)).toEqual([a, b].sort());
    expect(all.find((agent) => agent.id === b)).toEqual(await directory.getAgent(organizationId, b));
    expect((await directory.listEnabledAgents(organizationId, { groupId: vip })).map((agent) => agent.id)).toEqual([b]);
    expect(await directory.listEnabledAgents(organizationId, { groupId: other.defaultGroupId })).toEqual([]);
    expect(await directory.listGroups(organizationId)).toEqual([
      expect.objectContaining({ id: defaultGroupId }),
      expect.objectContaining({ id: vip, name: 'VIP', routing: 'auto' }),
    ]);
  });

  it('finds an agent for login by email in any case and by API key id', async () => {
    const { organizationId } = await directory.createOrganization({ name: 'Login' });
    const { agentId, apiKey } = await directory.createAgent(organizationId, {
      email: 'Mixed.Case@Example.com',
      name: 'M',
      password: 'password-m',
      role: 'admin',
      kind: 'bot',
      maxChats: 3,
    });
    expect(await directory.findAgentByEmail('MIXED.case@example.COM')).toMatchObject({
      id: agentId,
      organizationId,
      role: 'admin',
      kind: 'bot',
    });
    expect(await directory.findAgentByApiKeyId(apiKey.slice(4, 36))).toMatchObject({ id: agentId });
    expect(await directory.findAgentByEmail('nobody@example.com')).toBeUndefined();
    expect(await directory.getAgent(organizationId, agentId)).toMatchObject({
      email: 'mixed.case@example.com',
      maxChats: 3,
      groupIds: [],
    });
  });

  it('disables and enables an agent of its own organization only; login look-ups see it', async () => {
    const { organizationId } = await directory.createOrganization({ name: 'Revoking' });
    const other = await directory.createOrganization({ name: 'Elsewhere' });
    const { agentId } = await directory.createAgent(organizationId, {
      email: 'gone@example.com',
      name: 'G',
      password: 'password-g',
      role: 'agent',
    });
    expect(await directory.getAgent(organizationId, agentId)).toMatchObject({ disabled: false });
    expect(await directory.setAgentDisabled(other.organizationId, agentId, true)).toBeUndefined();
    expect(await directory.setAgentDisabled(organizationId, agentId, true)).toMatchObject({
      id: agentId,
      disabled: true,
    });
    expect(await directory.findAgentByEmail('gone@example.com')).toMatchObject({ id: agentId, disabled: true });
    expect(await directory.setAgentDisabled(organizationId, agentId, false)).toMatchObject({ disabled: false });
    expect(await directory.setAgentDisabled(organizationId, 'no-such-agent', true)).toBeUndefined();
  });

  it("stores an organization's allowed origins, answers whether any organization lists an origin, and ignores unknown ids", async () => {
    const { organizationId } = await directory.createOrganization({ name: 'Shop with a site' });
    const other = await directory.createOrganization({ name: 'Shop without one' });
    expect(await directory.allowedOrigins(organizationId)).toEqual([]);
    expect(await directory.isOriginListed('https://listed.example')).toBe(false);
    const updated = await directory.updateOrganization(organizationId, {
      allowedOrigins: ['https://listed.example', 'http://localhost:5173'],
    });
    expect(updated).toMatchObject({
      id: organizationId,
      name: 'Shop with a site',
      allowedOrigins: ['https://listed.example', 'http://localhost:5173'],
    });
    expect(await directory.isOriginListed('https://listed.example')).toBe(true);
    expect(await directory.isOriginListed('https://listed.example.evil.test')).toBe(false);
    expect(await directory.allowedOrigins(other.organizationId)).toEqual([]);
    expect(await directory.updateOrganization(organizationId, { name: 'Renamed' })).toMatchObject({
      name: 'Renamed',
      allowedOrigins: ['https://listed.example', 'http://localhost:5173'],
    });
    expect(await directory.updateOrganization('no-such-organization', { name: 'Nobody' })).toBeUndefined();
    expect(await directory.allowedOrigins('no-such-organization')).toBeUndefined();
  });

  it("records each change of an organization's settings (OrganizationSettingsChanged: the fields, by whom), none for an unknown organization", async () => {
    const { organizationId } = await directory.createOrganization({ name: 'Settings recorded' });
    await directory.updateOrganization(
      organizationId,
      { welcomeMessage: 'Hi', allowedOrigins: ['https://shop.example'] },
      { kind: 'agent', agent_id: 'admin-1' },
    );
    await directory.updateOrganization(organizationId, { name: 'Renamed' }, { kind: 'installation_admin' });
    expect(await directory.updateOrganization('no-such-organization', { name: 'Nobody' })).toBeUndefined();
    const { rows } = await sql<{ type: string; data: Record<string, unknown> }>`
      SELECT type, data FROM event_store.events WHERE stream_id = ${`organization-${organizationId}`} ORDER BY stream_version`.execute(
      db,
    );
    expect(rows.slice(2)).toEqual([
      {
        type: 'OrganizationSettingsChanged',
        data: { fields: ['allowed_origins', 'welcome_message'], by: { kind: 'agent', agent_id: 'admin-1' } },
      },
      { type: 'OrganizationSettingsChanged', data: { fields: ['name'], by: { kind: 'installation_admin' } } },
    ]);
    const { rows: elsewhere } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM event_store.events WHERE stream_id = 'organization-no-such-organization'`.execute(db);
    expect(Number(elsewhere[0]!.n)).toBe(0);
  });

  it("changes an agent's name, display name and avatar; public profiles fall back to the name and leave other organizations' agents out", async () => {
    const { organizationId } = await directory.createOrganization({ name: 'Faces' });
    const other = await directory.createOrganization({ name: 'Other faces' });
    const { agentId } = await directory.createAgent(organizationId, {
      email: 'face@example.com',
      name: 'Internal Name',
      password: 'password-f',
      role: 'agent',
    });
    const stranger = await directory.createAgent(other.organizationId, {
      email: 'stranger@example.com',
      name: 'Stranger',
      password: 'password-s',
      role: 'agent',
    });
    expect(await directory.agentProfiles(organizationId, [agentId, stranger.agentId, 'no-such-agent'])).toEqual([
      { agentId, displayName: 'Internal Name', avatarUrl: null },
    ]);
    expect(
      await directory.updateAgent(organizationId, agentId, {
        displayName: 'Fay',
        avatarUrl: 'https://cdn.example/fay.png',
      }),
    ).toMatchObject({
      name: 'Internal Name',
      displayName: 'Fay',
      avatarUrl: 'https://cdn.example/fay.png',
      disabled: false,
    });
    expect(await directory.agentProfiles(organizationId, [agentId])).toEqual([
      { agentId, displayName: 'Fay', avatarUrl: 'https://cdn.example/fay.png' },
    ]);
    expect(await directory.updateAgent(other.organizationId, agentId, { displayName: 'Hijacked' })).toBeUndefined();
    expect(await directory.updateAgent(organizationId, agentId, { name: 'Renamed', displayName: null })).toMatchObject({
      name: 'Renamed',
      displayName: null,
      avatarUrl: 'https://cdn.example/fay.png',
    });
    expect(await directory.agentProfiles(organizationId, [agentId])).toEqual([
      { agentId, displayName: 'Renamed', avatarUrl: 'https://cdn.example/fay.png' },
    ]);
    expect(await directory.agentProfiles(organizationId, [])).toEqual([]);
  });

  it("stores an organization's widget settings, business hours as JSON, and clears them with null", async () => {
    const { organizationId } = await directory.createOrganization({ name: 'Widget settings' });
    const hours = {
      time_zone: 'Europe/Warsaw',
      weekly: [{ day: 'mon' as const, from: '09:00', to: '17:00' }],
      holidays: ['2026-12-25'],
    };
    expect(await directory.getOrganization(organizationId)).toMatchObject({
      welcomeMessage: null,
      businessHours: null,
      widgetOpenDelaySeconds: null,
    });
    expect(
      await directory.updateOrganization(organizationId, {
        welcomeMessage: 'Hello',
        businessHours: hours,
        widgetOpenDelaySeconds: 0,
      }),
    ).toMatchObject({
      welcomeMessage: 'Hello',
      businessHours: hours,
      widgetOpenDelaySeconds: 0,
    });
    expect(await directory.updateOrganization(organizationId, { name: 'Still set' })).toMatchObject({
      businessHours: hours,
      widgetOpenDelaySeconds: 0,
    });
    expect(
      await directory.updateOrganization(organizationId, {
        welcomeMessage: null,
        businessHours: null,
        widgetOpenDelaySeconds: null,
      }),
    ).toMatchObject({
      welcomeMessage: null,
      businessHours: null,
      widgetOpenDelaySeconds: null,
    });
  });

  it("stores an organization's chat inactivity period, 600 s until set, and leaves it alone when other settings change", async () => {
    const { organizationId } = await directory.createOrganization({ name: 'Inactivity' });
    expect(await directory.getOrganization(organizationId)).toMatchObject({ chatInactivitySeconds: 600 });
    expect(await directory.updateOrganization(organizationId, { chatInactivitySeconds: 45 })).toMatchObject({
      chatInactivitySeconds: 45,
    });
    expect(await directory.updateOrganization(organizationId, { welcomeMessage: 'Hi' })).toMatchObject({
      chatInactivitySeconds: 45,
    });
    // The table refuses what the API would never send.
    await expect(directory.updateOrganization(organizationId, { chatInactivitySeconds: 0 })).rejects.toThrow();
    expect(await directory.getOrganization(organizationId)).toMatchObject({ chatInactivitySeconds: 45 });
  });

  it('keeps one identified customer per external id even when logins race', async () => {
    const { organizationId } = await directory.createOrganization({ name: 'Race' });
    const ids = await Promise.all(
      Array.from({ length: 6 }, () => directory.upsertCustomer(organizationId, { externalId: 'racer' })),
    );
    expect(new Set(ids).size).toBe(1);
  });

  it('answers not_found for an unknown organization and conflict for two agents racing for one email', async () => {
    await expect(directory.createGroup('nowhere', { name: 'X' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(directory.upsertCustomer('nowhere')).rejects.toMatchObject({ code: 'not_found' });
    const { organizationId } = await directory.createOrganization({ name: 'Email race' });
    const attempt = () =>
      directory.createAgent(organizationId, {
        email: 'race@example.com',
        name: 'R',
        password: 'password-r',
        role: 'agent',
      });
    const results = await Promise.allSettled([attempt(), attempt(), attempt()]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected')
        expect(result.reason).toEqual(
          new IdentityError('conflict', 'an agent with email race@example.com already exists'),
        );
    }
  });
});
