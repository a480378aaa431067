import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { ChatSystem, waitFor } from '@livedesk/testing';

const SHOP = 'https://shop.example';
const STRANGER = 'https://stranger.example';

interface Answer {
  status: number;
  body: any;
}

/** A raw socket opened the way a browser page of `origin` would open it (or an app, without). */
class OriginSocket {
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly frames: any[] = [];
  private readonly waiting: ((frame: any) => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      const waiter = this.waiting.shift();
      if (waiter) waiter(frame);
      else this.frames.push(frame);
    });
  }

  /** Opens the socket; answers the HTTP status of a refused upgrade instead. */
  static open(url: string, origin?: string): Promise<OriginSocket | { refusedWith: number }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, origin === undefined ? {} : { origin });
      socket.once('open', () => resolve(new OriginSocket(socket)));
      socket.once('unexpected-response', (_request, response) => resolve({ refusedWith: response.statusCode ?? 0 }));
      socket.once('error', reject);
    });
  }

  login(token: string): Promise<any> {
    this.socket.send(JSON.stringify({ request_id: 'login-1', action: 'login', payload: { token } }));
    const queued = this.frames.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.waiting.push(resolve));
  }
}

// Origins of customer and agent sockets and the organization settings API, on two real gateway replicas.
describe('allowed origins: organization settings and sockets', () => {
  let system: ChatSystem;

  const call = async (
    method: 'GET' | 'PATCH',
    path: string,
    body: unknown,
    token: string | undefined,
    replica = 0,
  ): Promise<Answer> => {
    const response = await fetch(`${system.gatewayUrl(replica)}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const customerSocket = (origin?: string, replica = 0) =>
    OriginSocket.open(`${system.gatewayUrl(replica).replace('http', 'ws')}/v1/customer/rtm`, origin);
  const agentSocket = (origin?: string) =>
    OriginSocket.open(`${system.gatewayUrl().replace('http', 'ws')}/v1/agent/rtm`, origin);

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 2 });
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
  });

  describe('GET and PATCH /v1/organizations/:id', () => {
    it('sets the allowed origins normalized, and reads them back with the other settings', async () => {
      const { organization_id: org, default_group_id: group } = await system.createOrganization(
        'Settings',
        'Europe/Warsaw',
      );
      const before = await call('GET', `/v1/organizations/${org}`, undefined, system.adminToken);
      expect(before).toEqual({
        status: 200,
        body: {
          organization_id: org,
          name: 'Settings',
          time_zone: 'Europe/Warsaw',
          default_group_id: group,
          allowed_origins: [],
          welcome_message: null,
          business_hours: null,
          widget_open_delay_seconds: null,
          search_language: 'simple',
          transcript_on_close: false,
          chat_inactivity_seconds: 600,
          survey_questions: [],
          created_at: expect.any(String),
        },
      });
      const patched = await call(
        'PATCH',
        `/v1/organizations/${org}`,
        {
          name: 'Settings renamed',
          allowed_origins: ['https://Shop.Example:443', 'http://localhost:5173/', 'https://shop.example'],
        },
        system.adminToken,
      );
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: 'Settings renamed',
        time_zone: 'Europe/Warsaw',
        allowed_origins: ['https://shop.example', 'http://localhost:5173'],
      });
      const after = await call('GET', `/v1/organizations/${org}`, undefined, system.adminToken, 1);
      expect(after.body).toEqual(patched.body);
    });

    it("lets an organization's admin read and change its own organization, and no one else's (404)", async () => {
      const { organization_id: org } = await system.createOrganization('Own');
      const { organization_id: other } = await system.createOrganization('Someone else');
      const admin = await system.createAgent(org, { email: 'admin@own.test', role: 'admin' });
      expect(
        (await call('PATCH', `/v1/organizations/${org}`, { allowed_origins: [SHOP] }, admin.token)).body
          .allowed_origins,
      ).toEqual([SHOP]);
      expect((await call('GET', `/v1/organizations/${org}`, undefined, admin.token)).status).toBe(200);
      const foreign = await call('PATCH', `/v1/organizations/${other}`, { allowed_origins: [STRANGER] }, admin.token);
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe('not_found');
      expect((await call('GET', `/v1/organizations/${other}`, undefined, admin.token)).status).toBe(404);
      expect(
        (await call('GET', `/v1/organizations/${other}`, undefined, system.adminToken)).body.allowed_origins,
      ).toEqual([]);
      expect((await call('GET', '/v1/organizations/no-such-organization', undefined, system.adminToken)).status).toBe(
        404,
      );
    });

    it('refuses agents and supervisors (403) and callers without a token (401)', async () => {
      const { organization_id: org } = await system.createOrganization('Roles');
      for (const role of ['agent', 'supervisor'] as const) {
        const someone = await system.createAgent(org, { email: `${role}@roles.test`, role });
        const refused = await call('PATCH', `/v1/organizations/${org}`, { allowed_origins: [STRANGER] }, someone.token);
        expect([role, refused.status, refused.body.error.code]).toEqual([role, 403, 'authorization']);
        expect((await call('GET', `/v1/organizations/${org}`, undefined, someone.token)).status).toBe(403);
      }
      expect((await call('PATCH', `/v1/organizations/${org}`, { allowed_origins: [STRANGER] }, undefined)).status).toBe(
        401,
      );
      expect(
        (await call('GET', `/v1/organizations/${org}`, undefined, system.adminToken)).body.allowed_origins,
      ).toEqual([]);
    });

    it('refuses what is not an origin, too many origins, unknown fields and an empty change', async () => {
      const { organization_id: org } = await system.createOrganization('Validation');
      const path = `/v1/organizations/${org}`;
      for (const body of [
        { allowed_origins: ['https://shop.example/widget'] },
        { allowed_origins: ['*'] },
        { allowed_origins: ['shop.example'] },
        { allowed_origins: ['ftp://shop.example'] },
        { allowed_origins: 'https://shop.example' },
        { allowed_origins: Array.from({ length: 51 }, (_, i) => `https://shop-${i}.example`) },
        { time_zone: 'Europe/Warsaw' },
        { name: '' },
        {},
      ]) {
        const refused = await call('PATCH', path, body, system.adminToken);
        expect([body, refused.status, refused.body.error.code]).toEqual([body, 400, 'validation']);
      }
      const message = (
        await call('PATCH', path, { allowed_origins: [SHOP, 'https://shop.example/widget'] }, system.adminToken)
      ).body.error.message;
      expect(message).toContain('allowed_origins.1');
      expect((await call('GET', path, undefined, system.adminToken)).body.allowed_origins).toEqual([]);
    });
  });

  describe('POST /v1/customer/token on a running gateway', () => {
    it('answers the preflight of a listed origin only, and issues tokens to its own organization only', async () => {
      const { organization_id: org } = await system.createOrganization('Token shop');
      const { organization_id: elsewhere } = await system.createOrganization('Token elsewhere');
      await call(
        'PATCH',
        `/v1/organizations/${org}`,
        { allowed_origins: ['https://token-shop.example'] },
        system.adminToken,
      );
      const preflight = (origin: string) =>
        fetch(`${system.gatewayUrl(1)}/v1/customer/token`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
      const listed = await preflight('https://token-shop.example');
      expect([listed.status, listed.headers.get('access-control-allow-origin')]).toEqual([
        204,
        'https://token-shop.example',
      ]);
      expect((await preflight(STRANGER)).headers.get('access-control-allow-origin')).toBeNull();
      const token = (organizationId: string) =>
        fetch(`${system.gatewayUrl(1)}/v1/customer/token`, {
          method: 'POST',
          headers: { origin: 'https://token-shop.example', 'content-type': 'application/json' },
          body: JSON.stringify({ organization_id: organizationId }),
        });
      expect((await token(org)).status).toBe(200);
      const refused = await token(elsewhere);
      expect([refused.status, ((await refused.json()) as any).error.reason]).toEqual([403, 'origin_not_allowed']);
    });
  });

  describe('customer sockets', () => {
    it("refuses a page's socket whose origin the organization does not list at login, and closes it with 4403", async () => {
      const { organization_id: org } = await system.createOrganization('Socket shop');
      expect(
        (await call('PATCH', `/v1/organizations/${org}`, { allowed_origins: [SHOP] }, system.adminToken)).status,
      ).toBe(200);
      const token = await system.customerToken(org);
      const socket = await customerSocket(STRANGER);
      if (!(socket instanceof OriginSocket)) throw new Error('the upgrade was refused');
      const answer = await socket.login(token);
      expect(answer).toMatchObject({
        request_id: 'login-1',
        action: 'login',
        success: false,
        payload: { error: { code: 'authorization', reason: 'origin_not_allowed' } },
      });
      expect(await socket.closed).toEqual({ code: 4403, reason: 'origin not allowed' });
    });

    it("accepts a page of the organization's origin, and a client that sends no Origin", async () => {
      const { organization_id: org } = await system.createOrganization('Socket shop 2');
      await call('PATCH', `/v1/organizations/${org}`, { allowed_origins: [SHOP] }, system.adminToken);
      for (const origin of [SHOP, undefined]) {
        const socket = await customerSocket(origin);
        if (!(socket instanceof OriginSocket)) throw new Error('the upgrade was refused');
        const answer = await socket.login(await system.customerToken(org));
        expect([origin, answer.success]).toEqual([origin, true]);
        socket.socket.close();
      }
    });

    it('closes the open sockets of an origin the organization removes (4403), and no others', async () => {
      const { organization_id: org } = await system.createOrganization('Moving site');
      await call(
        'PATCH',
        `/v1/organizations/${org}`,
        { allowed_origins: [SHOP, 'https://new-shop.example'] },
        system.adminToken,
      );
      const sockets = new Map<string, OriginSocket>();
      for (const [name, origin, replica] of [
        ['old on 0', SHOP, 0],
        ['old on 1', SHOP, 1],
        ['new', 'https://new-shop.example', 1],
        ['app', undefined, 1],
      ] as const) {
        const socket = await customerSocket(origin, replica);
        if (!(socket instanceof OriginSocket)) throw new Error('the upgrade was refused');
        expect((await socket.login(await system.customerToken(org))).success).toBe(true);
        sockets.set(name, socket);
      }
      expect(
        (
          await call(
            'PATCH',
            `/v1/organizations/${org}`,
            { allowed_origins: ['https://new-shop.example'] },
            system.adminToken,
          )
        ).status,
      ).toBe(200);
      expect(await sockets.get('old on 0')!.closed).toEqual({ code: 4403, reason: 'origin not allowed' });
      expect(await sockets.get('old on 1')!.closed).toEqual({ code: 4403, reason: 'origin not allowed' });
      // Each replica rechecks its sockets one after another: give a wrong close time to happen.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const name of ['new', 'app']) {
        expect([name, sockets.get(name)!.socket.readyState]).toEqual([name, WebSocket.OPEN]);
        sockets.get(name)!.socket.close();
      }
    });

    it('follows a PATCH on every replica at once, without waiting for the cache to expire', async () => {
      const { organization_id: org } = await system.createOrganization('Late site');
      const token = await system.customerToken(org);
      // Replica 1 reads and caches the empty list (for ALLOWED_ORIGINS_CACHE_SECONDS, 30 s by default).
      const early = await customerSocket(SHOP, 1);
      if (!(early instanceof OriginSocket)) throw new Error('the upgrade was refused');
      expect((await early.login(token)).payload.error.reason).toBe('origin_not_allowed');
      // The change is made on replica 0; replica 1 hears the organization_changed signal.
      expect(
        (await call('PATCH', `/v1/organizations/${org}`, { allowed_origins: [SHOP] }, system.adminToken, 0)).status,
      ).toBe(200);
      await waitFor(
        async () => {
          const socket = await customerSocket(SHOP, 1);
          if (!(socket instanceof OriginSocket)) return false;
          const answer = await socket.login(token);
          socket.socket.close();
          return answer.success === true;
        },
        { timeoutMs: 5_000, intervalMs: 100, what: 'replica 1 to allow the new origin' },
      );
    });
  });

  describe('agent sockets', () => {
    it("refuses the upgrade from another site's page with 403, and accepts the gateway's own origin and no Origin", async () => {
      const { organization_id: org } = await system.createOrganization('Desk');
      const agent = await system.createAgent(org, { email: 'agent@desk.test' });
      expect(await agentSocket(STRANGER)).toEqual({ refusedWith: 403 });
      for (const origin of [system.gatewayUrl(), undefined]) {
        const socket = await agentSocket(origin);
        if (!(socket instanceof OriginSocket)) throw new Error(`the upgrade from ${origin} was refused`);
        expect((await socket.login(agent.token)).success).toBe(true);
        socket.socket.close();
      }
    });
  });
});
