import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { postJson } from './testing/post-json.js';
import { startIdentityApp, type IdentityTestApp } from './testing/start-identity-app.js';

const ADMIN_TOKEN = 'installation-admin-token-for-tests';

describe('the setup API: organizations, agents, groups', () => {
  let database: TestDatabase;
  let service: IdentityTestApp;
  const post = (path: string, body: unknown, token?: string) => postJson(`${service.url}${path}`, body, token);

  /** An organization and the token of one of its agents of `role`. */
  async function organizationWithAgent(role: 'agent' | 'supervisor' | 'admin', email: string) {
    const organization = await post('/v1/organizations', { name: `Org of ${email}` }, ADMIN_TOKEN);
    const organizationId = organization.body.organization_id as string;
    const agent = await post(
      `/v1/organizations/${organizationId}/agents`,
      { email, name: 'Someone', password: 'password-123', role },
      ADMIN_TOKEN,
    );
    expect(agent.status).toBe(201);
    const login = await post('/v1/agent/token', { email, password: 'password-123' });
    expect(login.status).toBe(200);
    return { organizationId, agentId: agent.body.agent_id as string, token: login.body.token as string };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startIdentityApp({
      databaseUrl: database.url,
      env: { LIVEDESK_ADMIN_TOKEN: ADMIN_TOKEN, LIVEDESK_JWT_SECRET: 'jwt-secret-of-the-setup-api-test-0123456789' },
    });
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  describe('POST /v1/organizations', () => {
    it('creates an organization with its default group General for the installation admin', async () => {
      const created = await post('/v1/organizations', { name: 'Acme', time_zone: 'Europe/Warsaw' }, ADMIN_TOKEN);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        organization_id: expect.any(String),
        identity_secret: expect.any(String),
        default_group_id: expect.any(String),
      });
      const organization = await service.db
        .selectFrom('directory.organizations')
        .selectAll()
        .where('id', '=', created.body.organization_id)
        .executeTakeFirstOrThrow();
      expect(organization).toMatchObject({
        name: 'Acme',
        time_zone: 'Europe/Warsaw',
        default_group_id: created.body.default_group_id,
      });
      const group = await service.db
        .selectFrom('directory.groups')
        .selectAll()
        .where('id', '=', created.body.default_group_id)
        .executeTakeFirstOrThrow();
      expect(group).toMatchObject({ organization_id: created.body.organization_id, name: 'General', routing: 'auto' });
    });

    it('defaults the time zone to UTC and keeps a canonical spelling', async () => {
      const utc = await post('/v1/organizations', { name: 'No zone' }, ADMIN_TOKEN);
      const lower = await post('/v1/organizations', { name: 'Lower zone', time_zone: 'america/new_york' }, ADMIN_TOKEN);
      const zones = await service.db
        .selectFrom('directory.organizations')
        .select(['id', 'time_zone'])
        .where('id', 'in', [utc.body.organization_id, lower.body.organization_id])
        .execute();
      expect(Object.fromEntries(zones.map((row) => [row.id, row.time_zone]))).toEqual({
        [utc.body.organization_id]: 'UTC',
        [lower.body.organization_id]: 'America/New_York',
      });
    });

    it('answers 401 without a token or with a wrong one, in the error body of every endpoint', async () => {
      const none = await post('/v1/organizations', { name: 'Nope' });
      expect(none.status).toBe(401);
      expect(none.body).toEqual({
        error: { code: 'authentication', message: expect.stringContaining('Authorization') },
      });
      const wrong = await post('/v1/organizations', { name: 'Nope' }, `${ADMIN_TOKEN}x`);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('authentication');
      const basic = await fetch(`${service.url}/v1/organizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${ADMIN_TOKEN}` },
        body: '{"name":"Nope"}',
      });
      expect(basic.status).toBe(401);
    });

    it('answers 403 to an admin agent: only the installation admin creates organizations', async () => {
      const { token } = await organizationWithAgent('admin', 'org-admin-creating-org@example.com');
      const attempt = await post('/v1/organizations', { name: 'Another' }, token);
      expect(attempt.status).toBe(403);
      expect(attempt.body.error.code).toBe('authorization');
    });

    it.each([
      [{}, /^name is required$/],
      [{ name: '' }, /^name: /],
      [{ name: 'X', colour: 'red' }, /^unknown field "colour"$/],
      [{ name: 'X', time_zone: 'Mars/Olympus_Mons' }, /^time_zone: "Mars\/Olympus_Mons" is not an IANA time zone$/],
      [{ name: 'X', time_zone: '+02:00' }, /^time_zone: /],
      [[], /^the body must be a JSON object$/],
    ])('answers 400 to %j, naming the field', async (body, message) => {
      const attempt = await post('/v1/organizations', body, ADMIN_TOKEN);
      expect(attempt.status).toBe(400);
      expect(attempt.body.error.code).toBe('validation');
      expect(attempt.body.error.message).toMatch(message);
    });

    it('answers 400 in the same error body to malformed JSON', async () => {
      const attempt = await post('/v1/organizations', '{"name": ', ADMIN_TOKEN);
      expect(attempt.status).toBe(400);
      expect(attempt.body).toEqual({ error: { code: 'validation', message: expect.any(String) } });
    });
  });

  describe('POST /v1/organizations/:id/agents', () => {
    let organizationId: string;
    let defaultGroupId: string;
    let supportGroupId: string;

    beforeAll(async () => {
      const organization = await post('/v1/organizations', { name: 'Agents Inc' }, ADMIN_TOKEN);
      organizationId = organization.body.organization_id;
      defaultGroupId = organization.body.default_group_id;
      supportGroupId = (await post(`/v1/organizations/${organizationId}/groups`, { name: 'Support' }, ADMIN_TOKEN)).body
        .group_id;
    });

    it('creates an agent in its groups, with a lowercased email, a hashed password and an API key shown once', async () => {
      const created = await post(
        `/v1/organizations/${organizationId}/agents`,
        {
          email: 'Ann.Smith@Example.com',
          name: 'Ann Smith',
          password: 'correct horse battery',
          role: 'supervisor',
          kind: 'human',
          max_chats: 4,
          groups: [defaultGroupId, supportGroupId],
        },
        ADMIN_TOKEN,
      );
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        agent_id: expect.any(String),
        api_key: expect.stringMatching(/^ldk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/),
      });
      const row = await service.db
        .selectFrom('directory.agents')
        .selectAll()
        .where('id', '=', created.body.agent_id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        organization_id: organizationId,
        email: 'ann.smith@example.com',
        role: 'supervisor',
        kind: 'human',
        max_chats: 4,
      });
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(created.body.api_key).not.toContain(row.api_key_hash.toString('base64url'));
      const groups = await service.db
        .selectFrom('directory.agent_groups')
        .select('group_id')
        .where('agent_id', '=', created.body.agent_id)
        .execute();
      expect(groups.map((group) => group.group_id).sort()).toEqual([defaultGroupId, supportGroupId].sort());
    });

    it('defaults kind to human and max_chats to none', async () => {
      const created = await post(
        `/v1/organizations/${organizationId}/agents`,
        { email: 'bob@example.com', name: 'Bob', password: 'password-bob', role: 'agent' },
        ADMIN_TOKEN,
      );
      expect(created.status).toBe(201);
      const row = await service.db
        .selectFrom('directory.agents')
        .selectAll()
        .where('id', '=', created.body.agent_id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ kind: 'human', max_chats: null });
    });

    it('answers 409 to an email already taken, in any letter case and in any organization', async () => {
      const body = { email: 'taken@example.com', name: 'First', password: 'password-1', role: 'agent' };
      expect((await post(`/v1/organizations/${organizationId}/agents`, body, ADMIN_TOKEN)).status).toBe(201);
      const again = await post(`/v1/organizations/${organizationId}/agents`, body, ADMIN_TOKEN);
      expect(again.status).toBe(409);
      expect(again.body.error).toEqual({ code: 'conflict', message: expect.stringContaining('taken@example.com') });
      const otherCase = await post(
        `/v1/organizations/${organizationId}/agents`,
        { ...body, email: 'TAKEN@Example.COM' },
        ADMIN_TOKEN,
      );
      expect(otherCase.status).toBe(409);
      const elsewhere = await post('/v1/organizations', { name: 'Elsewhere' }, ADMIN_TOKEN);
      const otherOrganization = await post(
        `/v1/organizations/${elsewhere.body.organization_id}/agents`,
        body,
        ADMIN_TOKEN,
      );
      expect(otherOrganization.status).toBe(409);
    });

    it('answers 400 to a group of another organization or an unknown group, and creates nothing', async () => {
      const elsewhere = await post('/v1/organizations', { name: 'Group owner' }, ADMIN_TOKEN);
      const body = { email: 'grouped@example.com', name: 'G', password: 'password-g', role: 'agent' };
      const foreign = await post(
        `/v1/organizations/${organizationId}/agents`,
        { ...body, groups: [supportGroupId, elsewhere.body.default_group_id] },
        ADMIN_TOKEN,
      );
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toEqual({
        code: 'validation',
        message: `groups: no group "${elsewhere.body.default_group_id}" in this organization`,
      });
      const unknown = await post(
        `/v1/organizations/${organizationId}/agents`,
        { ...body, groups: ['no-such-group'] },
        ADMIN_TOKEN,
      );
      expect(unknown.status).toBe(400);
      const rows = await service.db
        .selectFrom('directory.agents')
        .select('id')
        .where('email', '=', 'grouped@example.com')
        .execute();
      expect(rows).toEqual([]);
    });

    it('answers 404 for an unknown organization', async () => {
      const attempt = await post(
        '/v1/organizations/no-such-org/agents',
        { email: 'x@example.com', name: 'X', password: 'password-x', role: 'agent' },
        ADMIN_TOKEN,
      );
      expect(attempt.status).toBe(404);
      expect(attempt.body.error.code).toBe('not_found');
    });

    it.each([
      [{ name: 'N', password: 'password-n', role: 'agent' }, /^email is required$/],
      [{ email: 'not-an-email', name: 'N', password: 'password-n', role: 'agent' }, /^email: /],
      [{ email: 'n@example.com', name: 'N', password: 'short', role: 'agent' }, /^password: /],
      [{ email: 'n@example.com', name: 'N', password: 'password-n', role: 'owner' }, /^role: /],
      [{ email: 'n@example.com', name: 'N', password: 'password-n', role: 'agent', kind: 'robot' }, /^kind: /],
      [{ email: 'n@example.com', name: 'N', password: 'password-n', role: 'agent', max_chats: 0 }, /^max_chats: /],
      [
        { email: 'n@example.com', name: 'N', password: 'password-n', role: 'agent', admin: true },
        /^unknown field "admin"$/,
      ],
    ])('answers 400 to %j', async (body, message) => {
      const attempt = await post(`/v1/organizations/${organizationId}/agents`, body, ADMIN_TOKEN);
      expect(attempt.status).toBe(400);
      expect(attempt.body.error).toEqual({ code: 'validation', message: expect.stringMatching(message) });
    });
  });

  describe('POST /v1/organizations/:id/groups', () => {
    it('creates a group, manual or auto, and answers 409 to a name the organization already has', async () => {
      const organization = await post('/v1/organizations', { name: 'Groups Ltd' }, ADMIN_TOKEN);
      const organizationId = organization.body.organization_id as string;
      const sales = await post(
        `/v1/organizations/${organizationId}/groups`,
        { name: 'Sales', routing: 'manual' },
        ADMIN_TOKEN,
      );
      expect(sales.status).toBe(201);
      expect(sales.body).toEqual({ group_id: expect.any(String) });
      const row = await service.db
        .selectFrom('directory.groups')
        .selectAll()
        .where('id', '=', sales.body.group_id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ organization_id: organizationId, name: 'Sales', routing: 'manual' });

      const again = await post(`/v1/organizations/${organizationId}/groups`, { name: 'Sales' }, ADMIN_TOKEN);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
      const general = await post(`/v1/organizations/${organizationId}/groups`, { name: 'General' }, ADMIN_TOKEN);
      expect(general.status).toBe(409);

      const elsewhere = await post('/v1/organizations', { name: 'Other groups' }, ADMIN_TOKEN);
      expect(
        (await post(`/v1/organizations/${elsewhere.body.organization_id}/groups`, { name: 'Sales' }, ADMIN_TOKEN))
          .status,
      ).toBe(201);
    });

    it('answers 400 to a bad routing and 404 to an unknown organization', async () => {
      const organization = await post('/v1/organizations', { name: 'Routing' }, ADMIN_TOKEN);
      const bad = await post(
        `/v1/organizations/${organization.body.organization_id}/groups`,
        { name: 'X', routing: 'random' },
        ADMIN_TOKEN,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^routing: /);
      expect((await post('/v1/organizations/nowhere/groups', { name: 'X' }, ADMIN_TOKEN)).status).toBe(404);
    });
  });

  describe("an organization's own agents", () => {
    it('an admin creates agents and groups in its own organization', async () => {
      const { organizationId, token } = await organizationWithAgent('admin', 'own-admin@example.com');
      const group = await post(`/v1/organizations/${organizationId}/groups`, { name: 'Billing' }, token);
      expect(group.status).toBe(201);
      const agent = await post(
        `/v1/organizations/${organizationId}/agents`,
        {
          email: 'hired-by-admin@example.com',
          name: 'Hired',
          password: 'password-hired',
          role: 'agent',
          groups: [group.body.group_id],
        },
        token,
      );
      expect(agent.status).toBe(201);
    });

    it('an admin gets 403 in another organization, and learns nothing about it', async () => {
      const { token } = await organizationWithAgent('admin', 'nosy-admin@example.com');
      const victim = await post('/v1/organizations', { name: 'Victim' }, ADMIN_TOKEN);
      const body = { email: 'planted@example.com', name: 'Planted', password: 'password-planted', role: 'admin' };
      const agent = await post(`/v1/organizations/${victim.body.organization_id}/agents`, body, token);
      expect(agent.status).toBe(403);
      expect(agent.body.error.code).toBe('authorization');
      expect(
        (await post(`/v1/organizations/${victim.body.organization_id}/groups`, { name: 'Planted' }, token)).status,
      ).toBe(403);
      // The same answer whether or not the organization exists, and before the body is read.
      expect((await post('/v1/organizations/no-such-org/groups', {}, token)).status).toBe(403);
    });

    it.each(['agent', 'supervisor'] as const)('a %s gets 403 in its own organization', async (role) => {
      const { organizationId, token } = await organizationWithAgent(role, `plain-${role}@example.com`);
      const agent = await post(
        `/v1/organizations/${organizationId}/agents`,
        { email: `promoted-${role}@example.com`, name: 'P', password: 'password-p', role: 'admin' },
        token,
      );
      expect(agent.status).toBe(403);
      expect((await post(`/v1/organizations/${organizationId}/groups`, { name: 'Mine' }, token)).status).toBe(403);
    });

    it('a customer gets 403', async () => {
      const organization = await post('/v1/organizations', { name: 'Shop' }, ADMIN_TOKEN);
      const customer = await post('/v1/customer/token', { organization_id: organization.body.organization_id });
      const attempt = await post(
        `/v1/organizations/${organization.body.organization_id}/groups`,
        { name: 'Mine' },
        customer.body.token,
      );
      expect(attempt.status).toBe(403);
    });

    it('a forged or garbage token gets 401', async () => {
      const { organizationId, token } = await organizationWithAgent('admin', 'forged-admin@example.com');
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
      expect((await post(`/v1/organizations/${organizationId}/groups`, { name: 'F' }, forged)).status).toBe(401);
      expect((await post(`/v1/organizations/${organizationId}/groups`, { name: 'F' }, 'garbage')).status).toBe(401);
    });
  });
});
