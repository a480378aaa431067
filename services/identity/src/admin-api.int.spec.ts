import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { startIdentityApp, type IdentityTestApp } from './testing/start-identity-app.js';

const ADMIN_TOKEN = 'installation-admin-token-for-admin-api-tests';

// The organization administration API over HTTP (docs/protocol.md v1.1, "Organization settings
// and administration"): reading agents, groups, canned responses and the audit log, changing and
// deleting groups and canned responses, and every refusal (400, 401, 403, 404, 409). The PATCH of
// an agent needs the service's NATS signals: services/gateway/src/e2e/agent-admin.e2e.spec.ts.
describe('the organization administration API', () => {
  let database: TestDatabase;
  let service: IdentityTestApp;

  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: { body?: unknown; token?: string | null } = {},
  ): Promise<{ status: number; body: any }> {
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  interface Org {
    id: string;
    defaultGroupId: string;
    admin: { agentId: string; token: string };
    agent: { agentId: string; token: string };
  }

  /** An organization with an admin and a plain agent, both logged in. */
  async function organization(name: string): Promise<Org> {
    const created = await call('POST', '/v1/organizations', { body: { name } });
    expect(created.status).toBe(201);
    const id = created.body.organization_id as string;
    const member = async (role: 'admin' | 'agent') => {
      const email = `${role}@${name.toLowerCase().replace(/\W/g, '')}.test`;
      const agent = await call('POST', `/v1/organizations/${id}/agents`, {
        body: { email, name: `${name} ${role}`, password: 'password-123', role },
      });
      expect(agent.status).toBe(201);
      const login = await call('POST', '/v1/agent/token', { body: { email, password: 'password-123' }, token: null });
      expect(login.status).toBe(200);
      return { agentId: agent.body.agent_id as string, token: login.body.token as string };
    };
    return {
      id,
      defaultGroupId: created.body.default_group_id,
      admin: await member('admin'),
      agent: await member('agent'),
    };
  }

  let acme: Org;
  let other: Org;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startIdentityApp({
      databaseUrl: database.url,
      env: { LIVEDESK_ADMIN_TOKEN: ADMIN_TOKEN, LIVEDESK_JWT_SECRET: 'jwt-secret-of-the-admin-api-test-0123456789' },
    });
    acme = await organization('Acme');
    other = await organization('Other');
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  /** The refusals every admin route shares: no token, a bad token, a plain agent, another organization's admin. */
  async function expectAdminOnly(method: 'GET' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<void> {
    expect((await call(method, path, { body, token: null })).status).toBe(401);
    expect((await call(method, path, { body, token: 'not-a-token' })).status).toBe(401);
    const agent = await call(method, path, { body, token: acme.agent.token });
    expect(agent.status).toBe(403);
    expect(agent.body.error.code).toBe('authorization');
    // Another organization's admin learns nothing: its ids are unknown ones (404).
    const stranger = await call(method, path, { body, token: other.admin.token });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('not_found');
  }

  describe('agents', () => {
    it("lists the organization's agents with their public fields, never a password hash or API key", async () => {
      const group = await call('POST', `/v1/organizations/${acme.id}/groups`, { body: { name: 'Sales' } });
      const bot = await call('POST', `/v1/organizations/${acme.id}/agents`, {
        body: {
          email: 'Bot@Acme.test',
          name: 'Botty',
          password: 'password-123',
          role: 'agent',
          kind: 'bot',
          max_chats: 7,
          groups: [group.body.group_id, acme.defaultGroupId],
        },
      });
      expect(bot.status).toBe(201);
      for (const token of [ADMIN_TOKEN, acme.admin.token]) {
        const listed = await call('GET', `/v1/organizations/${acme.id}/agents`, { token });
        expect(listed.status).toBe(200);
        expect(listed.body.agents.map((agent: any) => agent.agent_id)).toEqual([
          acme.admin.agentId,
          acme.agent.agentId,
          bot.body.agent_id,
        ]);
        expect(listed.body.agents[2]).toEqual({
          agent_id: bot.body.agent_id,
          email: 'bot@acme.test',
          name: 'Botty',
          display_name: null,
          avatar_url: null,
          role: 'agent',
          kind: 'bot',
          max_chats: 7,
          groups: [group.body.group_id, acme.defaultGroupId].sort(),
          disabled: false,
          daily_summary: false,
          created_at: expect.any(String),
        });
        expect(JSON.stringify(listed.body)).not.toMatch(/password|api_key|hash|ldk_/);
      }
      const one = await call('GET', `/v1/organizations/${acme.id}/agents/${bot.body.agent_id}`);
      expect(one).toEqual({
        status: 200,
        body: expect.objectContaining({ agent_id: bot.body.agent_id, max_chats: 7 }),
      });
    });

    it('refuses no token, an agent, another organization, and unknown or foreign agent ids', async () => {
      await expectAdminOnly('GET', `/v1/organizations/${acme.id}/agents`);
      await expectAdminOnly('GET', `/v1/organizations/${acme.id}/agents/${acme.agent.agentId}`);
      expect((await call('GET', `/v1/organizations/${acme.id}/agents/no-such-agent`)).status).toBe(404);
      // Another organization's agent, asked for under this organization.
      expect((await call('GET', `/v1/organizations/${acme.id}/agents/${other.agent.agentId}`)).status).toBe(404);
      expect(
        (await call('GET', `/v1/organizations/${acme.id}/agents/${other.agent.agentId}`, { token: acme.admin.token }))
          .status,
      ).toBe(404);
      expect((await call('GET', '/v1/organizations/no-such-organization/agents')).status).toBe(404);
    });
  });

  describe('groups', () => {
    it('lists, reads and renames groups, the default one marked; refuses a taken name and bad input', async () => {
      const created = await call('POST', `/v1/organizations/${acme.id}/groups`, {
        body: { name: 'Billing', routing: 'manual' },
        token: acme.admin.token,
      });
      const groupId = created.body.group_id as string;
      const listed = await call('GET', `/v1/organizations/${acme.id}/groups`, { token: acme.admin.token });
      expect(listed.status).toBe(200);
      expect(listed.body.groups[0]).toEqual({
        group_id: acme.defaultGroupId,
        name: 'General',
        routing: 'auto',
        default: true,
        created_at: expect.any(String),
      });
      expect(listed.body.groups.find((group: any) => group.group_id === groupId)).toMatchObject({
        name: 'Billing',
        routing: 'manual',
        default: false,
      });
      const renamed = await call('PATCH', `/v1/organizations/${acme.id}/groups/${groupId}`, {
        body: { name: '  Invoices ' },
        token: acme.admin.token,
      });
      expect(renamed).toEqual({
        status: 200,
        body: {
          group_id: groupId,
          name: 'Invoices',
          routing: 'manual',
          default: false,
          created_at: expect.any(String),
        },
      });
      expect((await call('GET', `/v1/organizations/${acme.id}/groups/${groupId}`)).body.name).toBe('Invoices');
      const taken = await call('PATCH', `/v1/organizations/${acme.id}/groups/${groupId}`, {
        body: { name: 'General' },
      });
      expect(taken.status).toBe(409);
      for (const body of [{}, { name: '' }, { name: 42 }, { name: 'x', routing: 'auto' }, 'not json', []]) {
        const refused = await call('PATCH', `/v1/organizations/${acme.id}/groups/${groupId}`, { body });
        expect([body, refused.status]).toEqual([body, 400]);
      }
      expect(
        (await call('PATCH', `/v1/organizations/${acme.id}/groups/no-such-group`, { body: { name: 'X' } })).status,
      ).toBe(404);
      // Another organization's group under this organization's id.
      expect(
        (await call('PATCH', `/v1/organizations/${acme.id}/groups/${other.defaultGroupId}`, { body: { name: 'X' } }))
          .status,
      ).toBe(404);
      expect((await call('GET', `/v1/organizations/${acme.id}/groups/${other.defaultGroupId}`)).status).toBe(404);
      await expectAdminOnly('GET', `/v1/organizations/${acme.id}/groups`);
      await expectAdminOnly('GET', `/v1/organizations/${acme.id}/groups/${groupId}`);
      await expectAdminOnly('PATCH', `/v1/organizations/${acme.id}/groups/${groupId}`, { name: 'Hijacked' });
      expect((await call('GET', `/v1/organizations/${acme.id}/groups/${groupId}`)).body.name).toBe('Invoices');
    });

    it('deletes a group no agent is in; refuses the default group and a group with members (409)', async () => {
      const created = await call('POST', `/v1/organizations/${acme.id}/groups`, { body: { name: 'Temporary' } });
      const groupId = created.body.group_id as string;
      const member = await call('POST', `/v1/organizations/${acme.id}/agents`, {
        body: { email: 'member@acme.test', name: 'Member', password: 'password-123', role: 'agent', groups: [groupId] },
      });
      expect(member.status).toBe(201);

      const inUse = await call('DELETE', `/v1/organizations/${acme.id}/groups/${groupId}`, { token: acme.admin.token });
      expect(inUse.status).toBe(409);
      expect(inUse.body.error).toMatchObject({ code: 'conflict', reason: 'group_has_agents' });
      const defaultGroup = await call('DELETE', `/v1/organizations/${acme.id}/groups/${acme.defaultGroupId}`);
      expect(defaultGroup.status).toBe(409);
      expect(defaultGroup.body.error.reason).toBe('default_group');
      await expectAdminOnly('DELETE', `/v1/organizations/${acme.id}/groups/${groupId}`);

      // The member leaves the group (the directory, as the PATCH of an agent does): now it goes.
      await service.db.deleteFrom('directory.agent_groups').where('group_id', '=', groupId).execute();
      expect((await call('DELETE', `/v1/organizations/${acme.id}/groups/${groupId}`)).status).toBe(204);
      expect((await call('GET', `/v1/organizations/${acme.id}/groups/${groupId}`)).status).toBe(404);
      expect((await call('DELETE', `/v1/organizations/${acme.id}/groups/${groupId}`)).status).toBe(404);
      expect((await call('DELETE', `/v1/organizations/${acme.id}/groups/${other.defaultGroupId}`)).status).toBe(404);
      // A deleted group can no longer be given to an agent.
      const late = await call('POST', `/v1/organizations/${acme.id}/agents`, {
        body: { email: 'late@acme.test', name: 'Late', password: 'password-123', role: 'agent', groups: [groupId] },
      });
      expect(late.status).toBe(400);
    });
  });

  describe('canned responses', () => {
    it('lists, reads, changes and deletes canned responses, shared and personal', async () => {
      const shared = await call('POST', `/v1/organizations/${acme.id}/canned_responses`, {
        body: { shortcut: '#Hello', text: 'Hello! How can I help?' },
        token: acme.admin.token,
      });
      const personal = await call('POST', `/v1/organizations/${acme.id}/canned_responses`, {
        body: { shortcut: 'hello', text: 'Hi, Ann here', agent_id: acme.agent.agentId },
      });
      const bye = await call('POST', `/v1/organizations/${acme.id}/canned_responses`, {
        body: { shortcut: 'bye', text: 'Bye' },
      });
      const listed = await call('GET', `/v1/organizations/${acme.id}/canned_responses`, { token: acme.admin.token });
      expect(listed.status).toBe(200);
      expect(listed.body.canned_responses.map((one: any) => [one.shortcut, one.text, one.agent_id])).toEqual([
        ['#bye', 'Bye', null],
        ['#hello', 'Hello! How can I help?', null],
        ['#hello', 'Hi, Ann here', acme.agent.agentId],
      ]);
      const sharedId = shared.body.canned_response_id as string;
      expect((await call('GET', `/v1/organizations/${acme.id}/canned_responses/${sharedId}`)).body).toEqual({
        canned_response_id: sharedId,
        shortcut: '#hello',
        text: 'Hello! How can I help?',
        agent_id: null,
        created_at: expect.any(String),
      });

      const changed = await call('PATCH', `/v1/organizations/${acme.id}/canned_responses/${sharedId}`, {
        body: { shortcut: '#Hi', text: 'Hi! How can I help?' },
        token: acme.admin.token,
      });
      expect(changed.body).toMatchObject({ shortcut: '#hi', text: 'Hi! How can I help?' });
      const taken = await call('PATCH', `/v1/organizations/${acme.id}/canned_responses/${sharedId}`, {
        body: { shortcut: 'bye' },
      });
      expect(taken.status).toBe(409);
      for (const body of [{}, { text: '' }, { text: 5 }, { shortcut: 'has space' }, { agent_id: 'x' }]) {
        const refused = await call('PATCH', `/v1/organizations/${acme.id}/canned_responses/${sharedId}`, { body });
        expect([body, refused.status]).toEqual([body, 400]);
      }
      await expectAdminOnly('GET', `/v1/organizations/${acme.id}/canned_responses`);
      await expectAdminOnly('GET', `/v1/organizations/${acme.id}/canned_responses/${sharedId}`);
      await expectAdminOnly('PATCH', `/v1/organizations/${acme.id}/canned_responses/${sharedId}`, { text: 'Hijacked' });
      await expectAdminOnly('DELETE', `/v1/organizations/${acme.id}/canned_responses/${sharedId}`);

      expect(
        (await call('DELETE', `/v1/organizations/${acme.id}/canned_responses/${bye.body.canned_response_id}`)).status,
      ).toBe(204);
      expect(
        (await call('GET', `/v1/organizations/${acme.id}/canned_responses/${bye.body.canned_response_id}`)).status,
      ).toBe(404);
      expect(
        (await call('DELETE', `/v1/organizations/${acme.id}/canned_responses/${bye.body.canned_response_id}`)).status,
      ).toBe(404);
      // Another organization's canned response under this organization's id.
      const foreign = await call('POST', `/v1/organizations/${other.id}/canned_responses`, {
        body: { shortcut: 'theirs', text: 'Theirs' },
      });
      const foreignPath = `/v1/organizations/${acme.id}/canned_responses/${foreign.body.canned_response_id}`;
      expect((await call('GET', foreignPath)).status).toBe(404);
      expect((await call('PATCH', foreignPath, { body: { text: 'Mine' } })).status).toBe(404);
      expect((await call('DELETE', foreignPath)).status).toBe(404);
      expect(personal.status).toBe(201);
      expect((await call('GET', `/v1/organizations/${acme.id}/canned_responses`)).body.canned_responses).toHaveLength(
        2,
      );
    });
  });

  describe('audit log', () => {
    it('shows every change of the organization, who made it and when, newest first, a page at a time', async () => {
      const org = await organization('Audited');
      const group = await call('POST', `/v1/organizations/${org.id}/groups`, {
        body: { name: 'Team' },
        token: org.admin.token,
      });
      await call('PATCH', `/v1/organizations/${org.id}/groups/${group.body.group_id}`, { body: { name: 'Team A' } });
      const canned = await call('POST', `/v1/organizations/${org.id}/canned_responses`, {
        body: { shortcut: 'hi', text: 'Hi' },
        token: org.admin.token,
      });
      await call('DELETE', `/v1/organizations/${org.id}/canned_responses/${canned.body.canned_response_id}`, {
        token: org.admin.token,
      });
      await call('DELETE', `/v1/organizations/${org.id}/groups/${group.body.group_id}`, { token: org.admin.token });

      const all = await call('GET', `/v1/organizations/${org.id}/audit`, { token: org.admin.token });
      expect(all.status).toBe(200);
      expect(all.body.next_cursor).toBeNull();
      const byAdmin = { kind: 'agent', agent_id: org.admin.agentId };
      const installation = { kind: 'installation_admin' };
      expect(all.body.entries.map((entry: any) => [entry.position, entry.type, entry.by])).toEqual([
        [9, 'GroupDeleted', byAdmin],
        [8, 'CannedResponseDeleted', byAdmin],
        [7, 'CannedResponseSaved', byAdmin],
        [6, 'GroupSaved', installation],
        [5, 'GroupSaved', byAdmin],
        [4, 'AgentSaved', installation],
        [3, 'AgentSaved', installation],
        // Created with the organization, before anyone could act in it.
        [2, 'GroupSaved', null],
        [1, 'OrganizationCreated', null],
      ]);
      expect(all.body.entries[4]).toEqual({
        event_id: expect.any(String),
        position: 5,
        type: 'GroupSaved',
        data: { group_id: group.body.group_id, name: 'Team', routing: 'auto', by: byAdmin },
        by: byAdmin,
        occurred_at: expect.any(String),
      });
      expect(JSON.stringify(all.body)).not.toMatch(/password|api_key|@audited\.test/);

      // Pages of 4: the cursor of one page starts the next, nothing skipped or repeated, even
      // when a change is appended between two pages.
      const first = await call('GET', `/v1/organizations/${org.id}/audit?limit=4`);
      expect(first.body.entries.map((entry: any) => entry.position)).toEqual([9, 8, 7, 6]);
      expect(first.body.next_cursor).toBe('6');
      await call('POST', `/v1/organizations/${org.id}/groups`, { body: { name: 'Later' } });
      const second = await call('GET', `/v1/organizations/${org.id}/audit?limit=4&before=${first.body.next_cursor}`);
      expect(second.body.entries.map((entry: any) => entry.position)).toEqual([5, 4, 3, 2]);
      const third = await call('GET', `/v1/organizations/${org.id}/audit?limit=4&before=${second.body.next_cursor}`);
      expect(third.body).toEqual({ entries: [expect.objectContaining({ position: 1 })], next_cursor: null });
      expect((await call('GET', `/v1/organizations/${org.id}/audit?limit=1`)).body.entries[0].type).toBe('GroupSaved');

      for (const query of ['limit=0', 'limit=201', 'limit=x', 'before=0', 'before=-1', 'before=abc', 'other=1']) {
        const refused = await call('GET', `/v1/organizations/${org.id}/audit?${query}`);
        expect([query, refused.status]).toEqual([query, 400]);
      }
      await expectAdminOnly('GET', `/v1/organizations/${acme.id}/audit`);
      expect((await call('GET', '/v1/organizations/no-such-organization/audit')).status).toBe(404);
    });
  });
});
