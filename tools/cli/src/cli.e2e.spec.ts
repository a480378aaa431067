import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { TokenService } from '@livedesk/auth';
import { startIdentityApp, type IdentityTestApp } from '../../../services/identity/src/testing/start-identity-app.js';
import { spawnCli as livedesk } from './testing/spawn-cli.js';

// The built CLI (`pnpm exec tsc -b tools/cli`) as a real process against a gateway's identity
// module running in this test over a real Postgres database.
const ADMIN_TOKEN = 'installation-admin-token-for-the-cli';

describe('the livedesk command line', () => {
  let database: TestDatabase;
  let gateway: IdentityTestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startIdentityApp({
      databaseUrl: database.url,
      env: { LIVEDESK_ADMIN_TOKEN: ADMIN_TOKEN, LIVEDESK_JWT_SECRET: 'jwt-secret-of-the-cli-e2e-test-0123456789' },
    });
    env = { LIVEDESK_URL: gateway.url, LIVEDESK_ADMIN_TOKEN: ADMIN_TOKEN };
  });

  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('sets an organization up (org, group, agent) and the agent then logs in', async () => {
    const org = await livedesk(['org', 'create', '--name', 'CLI Corp', '--time-zone', 'Europe/Warsaw'], env);
    expect(org).toMatchObject({ code: 0, stderr: '' });
    const { organization_id: organizationId, default_group_id: defaultGroupId } = JSON.parse(org.stdout) as Record<
      string,
      string
    >;
    expect(organizationId).toEqual(expect.any(String));

    const group = await livedesk(
      ['group', 'create', '--org', organizationId!, '--name', 'Night shift', '--routing', 'manual'],
      env,
    );
    expect(group).toMatchObject({ code: 0, stderr: '' });
    const { group_id: groupId } = JSON.parse(group.stdout) as Record<string, string>;

    const agent = await livedesk(
      [
        'agent',
        'create',
        '--org',
        organizationId!,
        '--email',
        'Night.Owl@Example.com',
        '--name',
        'Night Owl',
        '--password',
        'owls-password',
        '--role',
        'supervisor',
        '--kind',
        'human',
        '--max-chats',
        '3',
        '--group',
        defaultGroupId!,
        '--group',
        groupId!,
      ],
      env,
    );
    expect(agent).toMatchObject({ code: 0, stderr: '' });
    const { agent_id: agentId, api_key: apiKey } = JSON.parse(agent.stdout) as Record<string, string>;
    expect(apiKey).toMatch(/^ldk_/);
    const row = await gateway.db
      .selectFrom('directory.agents')
      .selectAll()
      .where('id', '=', agentId!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      organization_id: organizationId,
      email: 'night.owl@example.com',
      role: 'supervisor',
      max_chats: 3,
    });
    const groups = await gateway.db
      .selectFrom('directory.agent_groups')
      .select('group_id')
      .where('agent_id', '=', agentId!)
      .execute();
    expect(groups.map((g) => g.group_id).sort()).toEqual([defaultGroupId, groupId].sort());
    const groupRow = await gateway.db
      .selectFrom('directory.groups')
      .selectAll()
      .where('id', '=', groupId!)
      .executeTakeFirstOrThrow();
    expect(groupRow).toMatchObject({ name: 'Night shift', routing: 'manual' });

    const login = await fetch(`${gateway.url}/v1/agent/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'night.owl@example.com', password: 'owls-password' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    expect(await gateway.app.get(TokenService).verify(token)).toEqual({
      kind: 'agent',
      organizationId,
      agentId,
      role: 'supervisor',
      agentKind: 'human',
    });
  });

  it("reports the server's refusal as `livedesk: <code>: <message>` and exits 1", async () => {
    const org = JSON.parse((await livedesk(['org', 'create', '--name', 'Dupes'], env)).stdout) as Record<
      string,
      string
    >;
    const args = ['group', 'create', '--org', org.organization_id!, '--name', 'General'];
    const duplicate = await livedesk(args, env);
    expect(duplicate).toEqual({
      code: 1,
      stdout: '',
      stderr: 'livedesk: conflict: the organization already has a group named "General"\n',
    });

    const wrongToken = await livedesk(['--token', 'not-the-admin-token', 'org', 'create', '--name', 'X'], env);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(/^livedesk: authentication: /);

    const noToken = await livedesk(['org', 'create', '--name', 'X'], { LIVEDESK_URL: gateway.url });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/^livedesk: authentication: /);

    const unknownOrg = await livedesk(['group', 'create', '--org', 'nowhere', '--name', 'X'], env);
    expect(unknownOrg).toMatchObject({ code: 1, stderr: 'livedesk: not_found: no organization "nowhere"\n' });

    const badZone = await livedesk(['org', 'create', '--name', 'X', '--time-zone', 'Nowhere/Special'], env);
    expect(badZone).toMatchObject({
      code: 1,
      stderr: 'livedesk: validation: time_zone: "Nowhere/Special" is not an IANA time zone\n',
    });
  });

  it('takes --url and --token over the environment', async () => {
    const viaFlags = await livedesk(
      ['--url', gateway.url, '--token', ADMIN_TOKEN, 'org', 'create', '--name', 'Flags'],
      {
        LIVEDESK_URL: 'http://127.0.0.1:9',
        LIVEDESK_ADMIN_TOKEN: 'wrong-token-in-the-environment',
      },
    );
    expect(viaFlags).toMatchObject({ code: 0, stderr: '' });
  });

  it('exits 1 with `unavailable` when the gateway cannot be reached', async () => {
    const unreachable = await livedesk(['org', 'create', '--name', 'X'], {
      LIVEDESK_URL: 'http://127.0.0.1:59999',
      LIVEDESK_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^livedesk: unavailable: cannot reach http:\/\/127\.0\.0\.1:59999/);
  });

  it.each([
    [['org', 'create'], /required option '--name <name>' not specified/],
    [
      [
        'agent',
        'create',
        '--org',
        'o',
        '--email',
        'e@example.com',
        '--name',
        'n',
        '--password',
        'password',
        '--role',
        'boss',
      ],
      /'boss' is invalid/,
    ],
    [
      [
        'agent',
        'create',
        '--org',
        'o',
        '--email',
        'e@example.com',
        '--name',
        'n',
        '--password',
        'password',
        '--role',
        'agent',
        '--max-chats',
        'many',
      ],
      /--max-chats/,
    ],
    [['group', 'create', '--org', 'o', '--name', 'n', '--routing', 'random'], /'random' is invalid/],
    [['--url', 'ftp://example.com', 'org', 'create', '--name', 'n'], /expected an http:\/\/ or https:\/\/ URL/],
    [['organization', 'create'], /unknown command 'organization'/],
  ])('exits 2 on the usage error %j without calling the gateway', async (args, message) => {
    const run = await livedesk(args, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^livedesk: usage: /);
    expect(run.stderr).toMatch(message);
  });
});
