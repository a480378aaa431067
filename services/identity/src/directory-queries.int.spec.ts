import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { directoryQueries } from '@livedesk/contracts';
import { CommandError } from '@livedesk/messaging';
import { ContractPipe } from '@livedesk/service-kit';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { CustomerBans } from './bans/customer-bans.js';
import { CannedResponses } from './canned-responses.js';
import { TagList } from './tags/tag-list.js';
import { DirectoryQueriesController } from './directory-queries.controller.js';
import { Directory } from './directory.js';
import { startIdentityApp, type IdentityTestApp } from './testing/start-identity-app.js';

/** The directory's reads for the gateway (`cmd.directory.*`), over a real directory. */
describe("the gateway's directory queries", () => {
  let database: TestDatabase;
  let service: IdentityTestApp;
  let queries: DirectoryQueriesController;
  let directory: Directory;
  let acme: { organizationId: string; defaultGroupId: string };
  let other: { organizationId: string; defaultGroupId: string };
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startIdentityApp({
      databaseUrl: database.url,
      env: { LIVEDESK_JWT_SECRET: 'jwt-secret-of-the-directory-queries-0123456789' },
    });
    directory = service.app.get(Directory);
    queries = new DirectoryQueriesController(
      directory,
      service.app.get(CannedResponses),
      service.app.get(TagList),
      service.app.get(CustomerBans),
      { now: () => new Date() },
    );
    acme = await directory.createOrganization({ name: 'Acme' });
    other = await directory.createOrganization({ name: 'Other' });
    await directory.updateOrganization(acme.organizationId, { allowedOrigins: ['https://shop.example'] });
    alice = (
      await directory.createAgent(acme.organizationId, {
        email: 'alice@acme.test',
        name: 'Alice',
        password: 'password-123',
        role: 'admin',
        groupIds: [acme.defaultGroupId],
      })
    ).agentId;
    bob = (
      await directory.createAgent(acme.organizationId, {
        email: 'bob@acme.test',
        name: 'Bob',
        password: 'password-123',
        role: 'agent',
        maxChats: 2,
      })
    ).agentId;
    await directory.updateAgent(acme.organizationId, bob, { disabled: true, displayName: 'Bobby' });
    await service.app.get(CannedResponses).create(acme.organizationId, { shortcut: 'hi', text: 'Hello!' });
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  it("answers an organization's name, time zone, default group, allowed origins, survey questions, search language, transcript setting, business hours and inactivity period, and null for an unknown one", async () => {
    expect(await queries.organization({ organization_id: acme.organizationId })).toEqual({
      organization: {
        organization_id: acme.organizationId,
        name: 'Acme',
        default_group_id: acme.defaultGroupId,
        allowed_origins: ['https://shop.example'],
        time_zone: 'UTC',
        survey_questions: [],
        search_language: 'simple',
        transcript_on_close: false,
        business_hours: null,
        chat_inactivity_seconds: 600,
      },
    });
    const questions = [
      { id: 'topic', text: 'What was it about?', kind: 'choice' as const, options: ['billing', 'shipping'] },
    ];
    await directory.updateOrganization(other.organizationId, { surveyQuestions: questions });
    expect((await queries.organization({ organization_id: other.organizationId })).organization).toMatchObject({
      survey_questions: questions,
    });
    expect(await queries.organization({ organization_id: 'no-such-organization' })).toEqual({ organization: null });
  });

  it("answers null for another organization's group, agent and customer", async () => {
    expect(await queries.group({ organization_id: other.organizationId, group_id: acme.defaultGroupId })).toEqual({
      group: null,
    });
    expect(await queries.agent({ organization_id: other.organizationId, agent_id: alice })).toEqual({ agent: null });
    const customerId = await directory.upsertCustomer(acme.organizationId, {
      email: 'carol@example.com',
      name: 'Carol',
    });
    expect(await queries.customer({ organization_id: other.organizationId, customer_id: customerId })).toEqual({
      customer: null,
    });
    expect(await queries.customer({ organization_id: acme.organizationId, customer_id: customerId })).toEqual({
      customer: {
        customer_id: customerId,
        email: 'carol@example.com',
        name: 'Carol',
        external_id: null,
        custom_fields: {},
        created_at: expect.any(String),
      },
    });
    expect(await queries.agentProfiles({ organization_id: other.organizationId, agent_ids: [alice, bob] })).toEqual({
      profiles: [],
    });
  });

  it('lists the agents with their groups, the disabled ones only when asked', async () => {
    const enabled = await queries.agents({ organization_id: acme.organizationId, enabled_only: true });
    expect(enabled.agents.map((agent) => agent.agent_id)).toEqual([alice]);
    expect(enabled.agents[0]).toMatchObject({
      name: 'Alice',
      role: 'admin',
      kind: 'human',
      group_ids: [acme.defaultGroupId],
      disabled: false,
      daily_summary: false,
    });
    const all = await queries.agents({ organization_id: acme.organizationId, enabled_only: false });
    expect(all.agents.map((agent) => agent.agent_id).sort()).toEqual([alice, bob].sort());
    expect(all.agents.find((agent) => agent.agent_id === bob)).toMatchObject({
      disabled: true,
      display_name: 'Bobby',
      max_chats: 2,
      group_ids: [],
    });
    const ofGroup = await queries.agents({
      organization_id: acme.organizationId,
      group_id: acme.defaultGroupId,
      enabled_only: false,
    });
    expect(ofGroup.agents.map((agent) => agent.agent_id)).toEqual([alice]);
    expect(await queries.agents({ organization_id: other.organizationId, enabled_only: false })).toEqual({
      agents: [],
    });
  });

  it("answers the public profiles, the groups and the canned responses of the organization's own", async () => {
    const { profiles } = await queries.agentProfiles({
      organization_id: acme.organizationId,
      agent_ids: [alice, bob, 'nobody'],
    });
    expect(profiles.sort((a, b) => a.display_name.localeCompare(b.display_name))).toEqual([
      { agent_id: alice, display_name: 'Alice', avatar_url: null },
      { agent_id: bob, display_name: 'Bobby', avatar_url: null },
    ]);
    expect(await queries.groups({ organization_id: acme.organizationId })).toEqual({
      groups: [{ group_id: acme.defaultGroupId, name: 'General', routing: 'auto' }],
    });
    expect(
      (await queries.cannedResponses({ organization_id: acme.organizationId, agent_id: alice })).canned_responses,
    ).toEqual([{ canned_response_id: expect.any(String), shortcut: '#hi', text: 'Hello!', scope: 'shared' }]);
    expect(await queries.cannedResponses({ organization_id: other.organizationId, agent_id: alice })).toEqual({
      canned_responses: [],
    });
  });

  it("answers whether a tag is on the organization's own list", async () => {
    const tags = service.app.get(TagList);
    await tags.add(acme.organizationId, 'vip', { kind: 'installation_admin' });
    expect(await queries.tag({ organization_id: acme.organizationId, tag: 'vip' })).toEqual({ tag: { name: 'vip' } });
    expect(await queries.tag({ organization_id: acme.organizationId, tag: 'VIP' })).toEqual({ tag: null });
    expect(await queries.tag({ organization_id: other.organizationId, tag: 'vip' })).toEqual({ tag: null });
    await tags.remove(acme.organizationId, 'vip', { kind: 'installation_admin' });
    expect(await queries.tag({ organization_id: acme.organizationId, tag: 'vip' })).toEqual({ tag: null });
  });

  it("answers a customer's ban in force, none once it ended, and nothing of another organization's customer", async () => {
    const customerId = await directory.upsertCustomer(acme.organizationId, { externalId: 'banned-user' });
    const bans = service.app.get(CustomerBans);
    expect(await queries.customerBan({ organization_id: acme.organizationId, customer_id: customerId })).toEqual({
      customer_exists: true,
      ban: null,
    });
    const now = new Date();
    await bans.execute(
      acme.organizationId,
      { type: 'ban', customerId, byAgentId: alice, now, seconds: 3600, reason: 'spam' },
      randomUUID(),
    );
    const until = new Date(now.getTime() + 3_600_000).toISOString();
    expect(await queries.customerBan({ organization_id: acme.organizationId, customer_id: customerId })).toEqual({
      customer_exists: true,
      ban: { banned_until: until, reason: 'spam' },
    });
    expect(await queries.customerBan({ organization_id: other.organizationId, customer_id: customerId })).toEqual({
      customer_exists: false,
      ban: null,
    });
    expect(await queries.customerBan({ organization_id: acme.organizationId, customer_id: 'nobody' })).toEqual({
      customer_exists: false,
      ban: null,
    });
    // A ban that ended by itself: the same row, no longer in force.
    await bans.execute(
      acme.organizationId,
      { type: 'ban', customerId, byAgentId: alice, now: new Date(now.getTime() - 10_000), seconds: 1 },
      randomUUID(),
    );
    expect(await queries.customerBan({ organization_id: acme.organizationId, customer_id: customerId })).toEqual({
      customer_exists: true,
      ban: null,
    });
  });

  it("answers many logins' ban checks asked at once, each with its own customer's ban (a reconnect storm)", async () => {
    const bans = service.app.get(CustomerBans);
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) => directory.upsertCustomer(acme.organizationId, { externalId: `storm-${i}` })),
    );
    const now = new Date();
    for (const [i, customerId] of ids.entries())
      if (i % 3 === 0)
        await bans.execute(
          acme.organizationId,
          { type: 'ban', customerId, byAgentId: alice, now, seconds: 3600, reason: `spam ${i}` },
          randomUUID(),
        );
    const until = new Date(now.getTime() + 3_600_000).toISOString();
    const asked = [
      ...ids.map((customerId) => ({ organization_id: acme.organizationId, customer_id: customerId })),
      // the same customers asked under another organization: unknown there, never banned there
      ...ids.slice(0, 6).map((customerId) => ({ organization_id: other.organizationId, customer_id: customerId })),
      { organization_id: acme.organizationId, customer_id: 'nobody-in-the-storm' },
    ];
    const answers = await Promise.all(asked.map((query) => queries.customerBan(query)));
    expect(answers).toEqual([
      ...ids.map((_, i) => ({
        customer_exists: true,
        ban: i % 3 === 0 ? { banned_until: until, reason: `spam ${i}` } : null,
      })),
      ...ids.slice(0, 6).map(() => ({ customer_exists: false, ban: null })),
      { customer_exists: false, ban: null },
    ]);
  });

  it('refuses a malformed query with a validation error, before the directory is read', async () => {
    const organizationQuery = new ContractPipe(directoryQueries.organization.request);
    for (const payload of [null, {}, { organization_id: '' }, { organization_id: 'org\u0000x' }, 'organization']) {
      expect(() => organizationQuery.transform(payload)).toThrow(CommandError);
    }
    expect(() =>
      new ContractPipe(directoryQueries.agents.request).transform({ organization_id: acme.organizationId }),
    ).toThrow(CommandError);
    const tooMany = { organization_id: acme.organizationId, agent_ids: Array.from({ length: 501 }, (_, i) => `a${i}`) };
    expect(() => new ContractPipe(directoryQueries.agent_profiles.request).transform(tooMany)).toThrow(CommandError);
  });
});
