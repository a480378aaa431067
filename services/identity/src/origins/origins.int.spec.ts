import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { Directory } from '../directory.js';
import { postJson } from '../testing/post-json.js';
import { startIdentityApp, type IdentityTestApp } from '../testing/start-identity-app.js';

const ADMIN_TOKEN = 'installation-admin-token-of-the-origins-test';
const SHOP = 'https://shop.example';
const OTHER_SHOP = 'https://other-shop.example';
const STRANGER = 'https://stranger.example';
const DESK = 'https://desk.example:8443';

// CORS and origin checks of the token endpoints over real HTTP (docs/security.md, "Origins").
describe('origins of the token endpoints', () => {
  let database: TestDatabase;
  let service: IdentityTestApp;
  let shopOrganization: string;
  let otherOrganization: string;

  /** A request as a browser page of `origin` would send it (Node's fetch lets a test write Origin). */
  async function request(method: 'POST' | 'OPTIONS', path: string, origin: string | undefined, body?: unknown) {
    const headers: Record<string, string> = {};
    if (origin !== undefined) headers.origin = origin;
    if (method === 'OPTIONS')
      Object.assign(headers, {
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      });
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : (JSON.parse(text) as any),
    };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startIdentityApp({
      databaseUrl: database.url,
      env: {
        LIVEDESK_ADMIN_TOKEN: ADMIN_TOKEN,
        LIVEDESK_JWT_SECRET: 'jwt-secret-of-the-origins-test-0123456789abcdef',
        DESK_ORIGINS: `${DESK.toUpperCase()}, http://localhost:5173`,
      },
    });
    const directory = service.app.get(Directory);
    shopOrganization = (await postJson(`${service.url}/v1/organizations`, { name: 'Shop' }, ADMIN_TOKEN)).body
      .organization_id;
    otherOrganization = (await postJson(`${service.url}/v1/organizations`, { name: 'Other shop' }, ADMIN_TOKEN)).body
      .organization_id;
    await directory.updateOrganization(shopOrganization, { allowedOrigins: [SHOP] });
    await directory.updateOrganization(otherOrganization, { allowedOrigins: [OTHER_SHOP] });
    await postJson(
      `${service.url}/v1/organizations/${shopOrganization}/agents`,
      { email: 'ada@shop.example', name: 'Ada', password: 'password-123', role: 'agent' },
      ADMIN_TOKEN,
    );
  });

  afterAll(async () => {
    await service?.close();
    await database?.drop();
  });

  describe('POST /v1/customer/token', () => {
    it('answers the preflight of an origin an organization lists with CORS headers', async () => {
      const preflight = await request('OPTIONS', '/v1/customer/token', SHOP);
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      expect(preflight.headers.get('vary')).toMatch(/Origin/);
    });

    it('answers the preflight of an origin no organization lists with no CORS header', async () => {
      for (const origin of [STRANGER, 'null', 'https://shop.example.evil.test', 'http://shop.example']) {
        const preflight = await request('OPTIONS', '/v1/customer/token', origin);
        expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
        expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
      }
    });

    it("issues a token to a page of the organization's own origin, with CORS headers", async () => {
      const issued = await request('POST', '/v1/customer/token', SHOP, { organization_id: shopOrganization });
      expect(issued.status).toBe(200);
      expect(issued.body.token).toEqual(expect.any(String));
      expect(issued.headers.get('access-control-allow-origin')).toBe(SHOP);
    });

    it('refuses a page of an origin the organization does not list with 403 origin_not_allowed', async () => {
      const stranger = await request('POST', '/v1/customer/token', STRANGER, { organization_id: shopOrganization });
      expect(stranger.status).toBe(403);
      expect(stranger.body.error).toMatchObject({ code: 'authorization', reason: 'origin_not_allowed' });
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
      // Listed by another organization of the installation: the preflight passes, the token does not.
      const otherShop = await request('POST', '/v1/customer/token', OTHER_SHOP, { organization_id: shopOrganization });
      expect(otherShop.status).toBe(403);
      expect(otherShop.body.error).toMatchObject({ code: 'authorization', reason: 'origin_not_allowed' });
      expect(otherShop.body.token).toBeUndefined();
    });

    it('refuses an Origin that is no origin (a sandboxed frame sends null)', async () => {
      const sandboxed = await request('POST', '/v1/customer/token', 'null', { organization_id: shopOrganization });
      expect(sandboxed.status).toBe(403);
      expect(sandboxed.body.error.reason).toBe('origin_not_allowed');
    });

    it('issues a token to a client that sends no Origin (an app, a bot, a server)', async () => {
      const app = await request('POST', '/v1/customer/token', undefined, { organization_id: shopOrganization });
      expect(app.status).toBe(200);
      expect(app.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('refuses every browser origin for an organization that lists none', async () => {
      const bare = (await postJson(`${service.url}/v1/organizations`, { name: 'No site yet' }, ADMIN_TOKEN)).body
        .organization_id;
      const refused = await request('POST', '/v1/customer/token', SHOP, { organization_id: bare });
      expect(refused.status).toBe(403);
      expect((await request('POST', '/v1/customer/token', undefined, { organization_id: bare })).status).toBe(200);
    });

    it('answers an unknown organization 404 as before, whatever the origin', async () => {
      const unknown = await request('POST', '/v1/customer/token', SHOP, { organization_id: 'no-such-organization' });
      expect(unknown.status).toBe(404);
    });
  });

  describe('POST /v1/agent/token', () => {
    const credentials = { email: 'ada@shop.example', password: 'password-123' };

    it("accepts the gateway's own origin and the DESK_ORIGINS, with CORS for the latter", async () => {
      const own = await request('POST', '/v1/agent/token', service.url, credentials);
      expect(own.status).toBe(200);
      const desk = await request('POST', '/v1/agent/token', DESK, credentials);
      expect(desk.status).toBe(200);
      expect(desk.headers.get('access-control-allow-origin')).toBe(DESK);
      const preflight = await request('OPTIONS', '/v1/agent/token', 'http://localhost:5173');
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    });

    it('refuses any other origin with 403 origin_not_allowed, before looking at the password', async () => {
      const preflight = await request('OPTIONS', '/v1/agent/token', SHOP);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      const refused = await request('POST', '/v1/agent/token', SHOP, {
        email: 'ada@shop.example',
        password: 'wrong-password',
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'authorization', reason: 'origin_not_allowed' });
    });

    it('accepts a client that sends no Origin', async () => {
      expect((await request('POST', '/v1/agent/token', undefined, credentials)).status).toBe(200);
    });
  });
});
