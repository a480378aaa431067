import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseEnv } from 'node:util';
import { authConfigShape, DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_JWT_SECRET, TokenService } from '@livedesk/auth';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { startIdentityApp, type IdentityTestApp } from '../../../services/identity/src/testing/start-identity-app.js';
import { ticketingConfigShape } from '../../../services/ticketing/src/ticketing-config.js';
import { spawnCli as livedesk } from './testing/spawn-cli.js';

// `livedesk secrets` as a real process; its output, written to a .env, is what a gateway then
// runs with: the admin token sets an organization up and the JWT secret signs the agents' tokens.
describe('livedesk secrets', () => {
  let database: TestDatabase;
  let gateway: IdentityTestApp | undefined;
  let secrets: Record<string, string | undefined>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const run = await livedesk(['secrets']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    secrets = parseEnv(run.stdout);
  });

  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('prints a fresh value for every secret, each accepted by the services in production', async () => {
    const again = parseEnv((await livedesk(['secrets'])).stdout);
    const production = { NODE_ENV: 'production' };
    const auth = authConfigShape(production);
    expect(auth.LIVEDESK_ADMIN_TOKEN.parse(secrets.LIVEDESK_ADMIN_TOKEN)).toBe(secrets.LIVEDESK_ADMIN_TOKEN);
    expect(auth.LIVEDESK_JWT_SECRET.parse(secrets.LIVEDESK_JWT_SECRET)).toBe(secrets.LIVEDESK_JWT_SECRET);
    expect(ticketingConfigShape(production).TICKETING_MAILBOX_SECRET.parse(secrets.TICKETING_MAILBOX_SECRET)).toBe(
      secrets.TICKETING_MAILBOX_SECRET,
    );
    for (const name of ['LIVEDESK_ADMIN_TOKEN', 'LIVEDESK_JWT_SECRET', 'TICKETING_MAILBOX_SECRET']) {
      expect(again[name]).toEqual(expect.any(String));
      expect(again[name]).not.toBe(secrets[name]);
    }
  });

  it('runs a gateway: the admin token sets an organization up, the JWT secret signs its tokens', async () => {
    gateway = await startIdentityApp({
      databaseUrl: database.url,
      env: { LIVEDESK_ADMIN_TOKEN: secrets.LIVEDESK_ADMIN_TOKEN!, LIVEDESK_JWT_SECRET: secrets.LIVEDESK_JWT_SECRET! },
    });
    const env = { LIVEDESK_URL: gateway.url, LIVEDESK_ADMIN_TOKEN: secrets.LIVEDESK_ADMIN_TOKEN! };

    const refused = await livedesk(['org', 'create', '--name', 'Old token'], {
      ...env,
      LIVEDESK_ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
    });
    expect(refused.code).toBe(1);

    const org = await livedesk(['org', 'create', '--name', 'Fresh secrets'], env);
    expect(org).toMatchObject({ code: 0, stderr: '' });
    const { organization_id: organizationId } = JSON.parse(org.stdout) as Record<string, string>;
    const agent = await livedesk(
      [
        'agent',
        'create',
        '--org',
        organizationId!,
        '--email',
        'fresh@example.com',
        '--name',
        'Fresh',
        '--password',
        'a long password',
        '--role',
        'agent',
      ],
      env,
    );
    expect(agent.code).toBe(0);

    const login = await fetch(`${gateway.url}/v1/agent/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fresh@example.com', password: 'a long password' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const withFreshSecret = new TokenService({
      secret: secrets.LIVEDESK_JWT_SECRET!,
      agentTtlSeconds: 60,
      customerTtlSeconds: 60,
    });
    const withDevelopmentSecret = new TokenService({
      secret: DEVELOPMENT_JWT_SECRET,
      agentTtlSeconds: 60,
      customerTtlSeconds: 60,
    });
    expect(await withFreshSecret.verify(token)).toMatchObject({ kind: 'agent', organizationId });
    await expect(withDevelopmentSecret.verify(token)).rejects.toThrow();
  });
});
