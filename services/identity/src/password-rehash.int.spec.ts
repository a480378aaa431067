import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as argon2 from 'argon2';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { postJson } from './testing/post-json.js';
import { startIdentityApp, type IdentityTestApp } from './testing/start-identity-app.js';

const ADMIN_TOKEN = 'installation-admin-token-for-rehash-tests';

// Password hashes keep their parameters in the stored PHC string: a hash made with the argon2
// package's older default (64 MiB, 3 passes, 4 lanes) still verifies, and a right login stores
// a new one with today's parameters (password-hasher.ts).
describe('agent passwords hashed with older parameters', () => {
  let database: TestDatabase;
  let service: IdentityTestApp;
  let db: pg.Client;
  let organizationId: string;
  let agentId: string;
  const post = (path: string, body: unknown, token?: string) => postJson(`${service.url}${path}`, body, token);
  const storedHash = async () =>
    (await db.query<{ password_hash: string }>('SELECT password_hash FROM directory.agents WHERE id = $1', [agentId]))
      .rows[0]!.password_hash;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startIdentityApp({
      databaseUrl: database.url,
      env: {
        LIVEDESK_ADMIN_TOKEN: ADMIN_TOKEN,
        LIVEDESK_JWT_SECRET: 'jwt-secret-of-the-password-rehash-tests-0123456789',
      },
    });
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    organizationId = (await post('/v1/organizations', { name: 'Rehash' }, ADMIN_TOKEN)).body.organization_id;
    agentId = (
      await post(
        `/v1/organizations/${organizationId}/agents`,
        { email: 'old@example.com', name: 'Old', password: 'old-password-1', role: 'agent' },
        ADMIN_TOKEN,
      )
    ).body.agent_id;
  });

  afterAll(async () => {
    await db?.end();
    await service?.close();
    await database?.drop();
  });

  it('hashes new passwords with 19 MiB, 2 passes and 1 lane', async () => {
    expect(await storedHash()).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('lets an agent with an older hash log in, and stores a new hash only after a right password', async () => {
    const old = await argon2.hash('old-password-1', {
      type: argon2.argon2id,
      memoryCost: 65_536,
      timeCost: 3,
      parallelism: 4,
    });
    await db.query('UPDATE directory.agents SET password_hash = $1 WHERE id = $2', [old, agentId]);

    const wrong = await post('/v1/agent/token', { email: 'old@example.com', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(await storedHash()).toBe(old);

    const right = await post('/v1/agent/token', { email: 'old@example.com', password: 'old-password-1' });
    expect(right.status).toBe(200);
    const renewed = await storedHash();
    expect(renewed).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await argon2.verify(renewed, 'old-password-1')).toBe(true);

    // The renewed hash logs in, and is kept as it is.
    expect((await post('/v1/agent/token', { email: 'old@example.com', password: 'old-password-1' })).status).toBe(200);
    expect(await storedHash()).toBe(renewed);
  });
});
