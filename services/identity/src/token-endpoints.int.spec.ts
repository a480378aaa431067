import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { InvalidTokenError } from '@livedesk/auth';
import { postJson } from './testing/post-json.js';
import { startIdentityApp, type IdentityTestApp } from './testing/start-identity-app.js';
import { TokenService } from '@livedesk/auth';

const ADMIN_TOKEN = 'installation-admin-token-for-token-tests';
const JWT_SECRET = 'jwt-secret-of-the-token-endpoint-tests-0123456789';

function signIdentity(
  secret: string,
  claims: Record<string, unknown>,
  expiresIn: string | number = '5m',
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

describe('POST /v1/agent/token and POST /v1/customer/token', () => {
  let database: TestDatabase;
  let service: IdentityTestApp;
  let tokens: TokenService;
  let organizationId: string;
  let identitySecret: string;
  let agentId: string;
  let apiKey: string;
  const post = (path: string, body: unknown, token?: string) => postJson(`${service.url}${path}`, body, token);

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startIdentityApp({
      databaseUrl: database.url,
      env: {
        LIVEDESK_ADMIN_TOKEN: ADMIN_TOKEN,
        LIVEDESK_JWT_SECRET: JWT_SECRET,
        AGENT_TOKEN_TTL_SECONDS: '3600',
        CUSTOMER_TOKEN_TTL_SECONDS: '7200',
      },
    });
    tokens = service.app.get(TokenService);
    const organization = await post('/v1/organizations', { name: 'Tokens & Co' }, ADMIN_TOKEN);
    organizationId = organization.body.organization_id;
    identitySecret = organization.body.identity_secret;
    const agent = await post(
      `/v1/organizations/${organizationId}/agents`,
      { email: 'Carol@Example.com', name: 'Carol', password: 'carol-password', role: 'supervisor', kind: 'bot' },
      ADMIN_TOKEN,
    );
    agentId = agent.body.agent_id;
    apiKey = agent.body.api_key;
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  describe('agents', () => {
    it('get a token for the right password (email in any case), valid for the agent TTL', async () => {
      const before = Date.now();
      const login = await post('/v1/agent/token', { email: 'carol@EXAMPLE.com', password: 'carol-password' });
      expect(login.status).toBe(200);
      expect(login.body).toEqual({ token: expect.any(String), expires_at: expect.any(String) });
      const expiresAt = Date.parse(login.body.expires_at);
      expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
      expect(await tokens.verify(login.body.token)).toEqual({
        kind: 'agent',
        organizationId,
        agentId,
        role: 'supervisor',
        agentKind: 'bot',
      });
    });

    it('get 401 with one and the same message for a wrong password and an unknown email', async () => {
      const wrongPassword = await post('/v1/agent/token', {
        email: 'carol@example.com',
        password: 'not-carols-password',
      });
      const unknownEmail = await post('/v1/agent/token', { email: 'nobody@example.com', password: 'carol-password' });
      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(wrongPassword.body).toEqual({ error: { code: 'authentication', message: 'wrong email or password' } });
      expect(unknownEmail.body).toEqual(wrongPassword.body);
    });

    it('get a token for their API key, and 401 for a wrong, unknown or malformed one', async () => {
      const login = await post('/v1/agent/token', { api_key: apiKey });
      expect(login.status).toBe(200);
      expect(await tokens.verify(login.body.token)).toMatchObject({ kind: 'agent', agentId });

      const secret = apiKey.slice(-43);
      const wrongSecret = apiKey.slice(0, -43) + (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
      const unknownId = `ldk_${'0'.repeat(32)}_${secret}`;
      for (const attempt of [wrongSecret, unknownId, 'ldk_nonsense', apiKey.toUpperCase()]) {
        const refused = await post('/v1/agent/token', { api_key: attempt });
        expect(refused.status).toBe(401);
        expect(refused.body).toEqual({ error: { code: 'authentication', message: 'the API key is not valid' } });
      }
    });

    it.each([
      [{}, /^email is required; password is required$/],
      [{ email: 'carol@example.com' }, /^password is required$/],
      [{ email: 'carol', password: 'x' }, /^email: /],
      [{ email: 'carol@example.com', password: 'carol-password', remember: true }, /^unknown field "remember"$/],
      [{ api_key: '' }, /^api_key: /],
    ])('get 400 for %j', async (body, message) => {
      const attempt = await post('/v1/agent/token', body);
      expect(attempt.status).toBe(400);
      expect(attempt.body.error).toEqual({ code: 'validation', message: expect.stringMatching(message) });
    });
  });

  describe('customers', () => {
    it('get a token anonymously, a new customer every time', async () => {
      const first = await post('/v1/customer/token', { organization_id: organizationId });
      const second = await post('/v1/customer/token', { organization_id: organizationId });
      expect(first.status).toBe(200);
      const [a, b] = await Promise.all([tokens.verify(first.body.token), tokens.verify(second.body.token)]);
      expect(a).toEqual({ kind: 'customer', organizationId, customerId: expect.any(String) });
      expect(b.kind === 'customer' && a.kind === 'customer' && b.customerId !== a.customerId).toBe(true);
      expect(Date.parse(first.body.expires_at) - Date.now()).toBeGreaterThan(7_100_000);
    });

    it('with a signed identity are the same customer for the same sub, with the latest email and name', async () => {
      const first = await post('/v1/customer/token', {
        organization_id: organizationId,
        identity: await signIdentity(identitySecret, { sub: 'site-user-42', email: 'dana@example.com', name: 'Dana' }),
      });
      const second = await post('/v1/customer/token', {
        organization_id: organizationId,
        identity: await signIdentity(identitySecret, { sub: 'site-user-42', name: 'Dana Smith' }),
      });
      expect([first.status, second.status]).toEqual([200, 200]);
      const a = await tokens.verify(first.body.token);
      const b = await tokens.verify(second.body.token);
      expect(b).toEqual(a);
      const customerId = a.kind === 'customer' ? a.customerId : '';
      const row = await service.db
        .selectFrom('directory.customers')
        .selectAll()
        .where('id', '=', customerId)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        organization_id: organizationId,
        external_id: 'site-user-42',
        email: 'dana@example.com',
        name: 'Dana Smith',
      });

      const other = await post('/v1/customer/token', {
        organization_id: organizationId,
        identity: await signIdentity(identitySecret, { sub: 'site-user-43' }),
      });
      expect(await tokens.verify(other.body.token)).not.toEqual(a);
    });

    it('keep one customer per sub and organization: the same sub elsewhere is another customer', async () => {
      const elsewhere = await post('/v1/organizations', { name: 'Elsewhere' }, ADMIN_TOKEN);
      const sign = (secret: string) => signIdentity(secret, { sub: 'shared-sub' });
      const here = await post('/v1/customer/token', {
        organization_id: organizationId,
        identity: await sign(identitySecret),
      });
      const there = await post('/v1/customer/token', {
        organization_id: elsewhere.body.organization_id,
        identity: await sign(elsewhere.body.identity_secret),
      });
      const [a, b] = [await tokens.verify(here.body.token), await tokens.verify(there.body.token)];
      expect(a.organizationId).toBe(organizationId);
      expect(b.organizationId).toBe(elsewhere.body.organization_id);
      expect(a.kind === 'customer' && b.kind === 'customer' && a.customerId !== b.customerId).toBe(true);
    });

    it("get 401 for an identity signed with another key (another organization's secret), and for an expired one", async () => {
      const elsewhere = await post('/v1/organizations', { name: 'Forger' }, ADMIN_TOKEN);
      const forged = await post('/v1/customer/token', {
        organization_id: organizationId,
        identity: await signIdentity(elsewhere.body.identity_secret, { sub: 'site-user-42' }),
      });
      expect(forged.status).toBe(401);
      expect(forged.body.error.code).toBe('authentication');
      const expired = await post('/v1/customer/token', {
        organization_id: organizationId,
        identity: await signIdentity(identitySecret, { sub: 'site-user-42' }, Math.floor(Date.now() / 1000) - 60),
      });
      expect(expired.status).toBe(401);
      expect(expired.body.error.message).toMatch(/expired/);
      const garbage = await post('/v1/customer/token', { organization_id: organizationId, identity: 'not-a-jwt' });
      expect(garbage.status).toBe(401);
    });

    it('get 400 for a well-signed identity without a sub or with a malformed email', async () => {
      const noSub = await post('/v1/customer/token', {
        organization_id: organizationId,
        identity: await signIdentity(identitySecret, { email: 'e@example.com' }),
      });
      expect(noSub.status).toBe(400);
      expect(noSub.body.error.message).toBe('identity.sub is required');
      const badEmail = await post('/v1/customer/token', {
        organization_id: organizationId,
        identity: await signIdentity(identitySecret, { sub: 's', email: 'nope' }),
      });
      expect(badEmail.status).toBe(400);
      expect(badEmail.body.error.message).toMatch(/^identity\.email: /);
    });

    it('get 404 for an unknown organization (its id is public, so saying so reveals nothing)', async () => {
      const anonymous = await post('/v1/customer/token', { organization_id: 'no-such-organization' });
      expect(anonymous.status).toBe(404);
      expect(anonymous.body.error).toEqual({ code: 'not_found', message: 'no organization "no-such-organization"' });
      const identified = await post('/v1/customer/token', {
        organization_id: 'no-such-organization',
        identity: await signIdentity(identitySecret, { sub: 'x' }),
      });
      expect(identified.status).toBe(404);
    });

    it.each([
      [{}, /^organization_id is required$/],
      [{ organization_id: '' }, /^organization_id: /],
      [{ organization_id: 'x', visitor: 'me' }, /^unknown field "visitor"$/],
    ])('get 400 for %j', async (body, message) => {
      const attempt = await post('/v1/customer/token', body);
      expect(attempt.status).toBe(400);
      expect(attempt.body.error.message).toMatch(message);
    });
  });

  describe("the identity service's tokens", () => {
    it('do not verify once expired, nor when signed with another key', async () => {
      const login = await post('/v1/agent/token', { email: 'carol@example.com', password: 'carol-password' });
      const later = new TokenService({
        secret: JWT_SECRET,
        agentTtlSeconds: 3600,
        customerTtlSeconds: 7200,
        now: () => new Date(Date.now() + 3_601_000),
      });
      await expect(later.verify(login.body.token)).rejects.toEqual(new InvalidTokenError('token_expired'));

      const forger = new TokenService({
        secret: 'a-different-secret-of-32-characters!!',
        agentTtlSeconds: 3600,
        customerTtlSeconds: 7200,
      });
      const forged = await forger.issue({ kind: 'agent', organizationId, agentId, role: 'admin', agentKind: 'human' });
      await expect(tokens.verify(forged.token)).rejects.toMatchObject({
        code: 'authentication',
        reason: 'token_invalid',
      });
      // …and the setup API refuses it as it refuses anything unverifiable.
      expect((await post(`/v1/organizations/${organizationId}/groups`, { name: 'Forged' }, forged.token)).status).toBe(
        401,
      );
    });

    it('an expired admin token is refused by the setup API with 401', async () => {
      const admin = await post(
        `/v1/organizations/${organizationId}/agents`,
        { email: 'expiring-admin@example.com', name: 'E', password: 'password-e', role: 'admin' },
        ADMIN_TOKEN,
      );
      const past = new TokenService({
        secret: JWT_SECRET,
        agentTtlSeconds: 60,
        customerTtlSeconds: 60,
        now: () => new Date(Date.now() - 3_600_000),
      });
      const expired = await past.issue({
        kind: 'agent',
        organizationId,
        agentId: admin.body.agent_id,
        role: 'admin',
        agentKind: 'human',
      });
      const attempt = await post(`/v1/organizations/${organizationId}/groups`, { name: 'Late' }, expired.token);
      expect(attempt.status).toBe(401);
      expect(attempt.body.error).toEqual({
        code: 'authentication',
        message: 'the token has expired',
        reason: 'token_expired',
      });
    });
  });
});
