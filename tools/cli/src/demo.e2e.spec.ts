import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem, type RtmTestClient } from '@livedesk/testing';
import { spawnCli as livedesk } from './testing/spawn-cli.js';

// `livedesk demo` as a real process against a real gateway: what it prints must work.
describe('livedesk demo', () => {
  let system: ChatSystem;
  let env: Record<string, string>;
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 1 });
    env = { LIVEDESK_URL: system.gatewayUrl(), LIVEDESK_ADMIN_TOKEN: system.adminToken };
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('creates an organization whose printed agents log in and whose page origin may fetch a customer token', async () => {
    const run = await livedesk(['demo', '--page-origin', 'http://localhost:8000'], env);
    expect(run).toMatchObject({ code: 0 });
    const demo = JSON.parse(run.stdout);
    const gateway = system.gatewayUrl();
    expect(demo).toMatchObject({
      allowed_origins: ['http://localhost:8000'],
      desk_url: `${gateway}/desk/`,
      widget_url: `${gateway}/widget/livedesk.js`,
    });
    expect(demo.agents.map((agent: any) => [agent.name, agent.display_name, agent.role])).toEqual([
      ['Alice Martin', 'Alice', 'supervisor'],
      ['Bob Jones', 'Bob', 'agent'],
    ]);
    const page = new URL(demo.demo_page_url);
    expect(page.origin).toBe('http://localhost:8000');
    expect(page.pathname).toBe('/demo.html');
    expect(Object.fromEntries(page.searchParams)).toEqual({
      organization: demo.organization_id,
      group: demo.group_id,
      gateway,
    });
    expect(demo.page_snippet).toBe(
      `<script src="${gateway}/widget/livedesk.js" data-organization="${demo.organization_id}" data-group="${demo.group_id}" async></script>`,
    );

    const settings = await fetch(`${gateway}/v1/organizations/${demo.organization_id}`, {
      headers: { authorization: `Bearer ${system.adminToken}` },
    });
    expect(await settings.json()).toMatchObject({
      allowed_origins: ['http://localhost:8000'],
      welcome_message: demo.welcome_message,
    });
    // The widget on the demo page greets the visitor with it.
    const widgetSettings = await fetch(
      `${gateway}/v1/customer/widget-settings?organization_id=${demo.organization_id}`,
      { headers: { origin: 'http://localhost:8000' } },
    );
    expect(await widgetSettings.json()).toMatchObject({
      welcome_message: 'Hi! Ask us anything: an agent answers right here.',
    });

    // Each printed email and password logs in; the agents are in the demo group.
    for (const agent of demo.agents) {
      const login = await system.post('/v1/agent/token', { email: agent.email, password: agent.password }, undefined);
      expect([200, 201]).toContain(login.status);
      const socket = await system.connect('agent', login.body.token);
      sockets.push(socket);
      const listed = await socket.call('list_agents', { group_id: demo.group_id });
      expect(listed.agents.map((a: any) => a.agent_id).sort()).toEqual(demo.agents.map((a: any) => a.agent_id).sort());
      // The desk and the widget show the display names.
      expect(listed.agents.map((a: any) => a.display_name).sort()).toEqual(['Alice', 'Bob']);
    }
    const wrong = await system.post(
      '/v1/agent/token',
      { email: demo.agents[0].email, password: 'not the password' },
      undefined,
    );
    expect(wrong.status).toBe(401);

    // The demo page's origin may fetch a customer token; another origin may not.
    const token = (origin: string) =>
      fetch(`${gateway}/v1/customer/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ organization_id: demo.organization_id }),
      });
    const allowed = await token('http://localhost:8000');
    expect(allowed.ok).toBe(true);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:8000');
    expect((await token('http://elsewhere.example')).ok).toBe(false);
  });

  it('runs again without clashing with the first demo, with a welcome message of its own', async () => {
    const first = JSON.parse((await livedesk(['demo'], env)).stdout);
    const second = await livedesk(
      ['demo', '--name', 'Second shop', '--welcome-message', 'Welcome to the second shop'],
      env,
    );
    expect(second).toMatchObject({ code: 0 });
    const demo = JSON.parse(second.stdout);
    expect(demo.organization_id).not.toBe(first.organization_id);
    expect(demo.allowed_origins).toEqual(['http://localhost:8000']);
    expect(demo.welcome_message).toBe('Welcome to the second shop');
    expect(demo.agents.map((a: any) => a.email)).not.toEqual(first.agents.map((a: any) => a.email));
  });

  it('refuses a page origin that is no http(s) URL', async () => {
    const bad = await livedesk(['demo', '--page-origin', 'localhost'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--page-origin');
  });

  it('refuses an empty or too long welcome message as a usage error (status 2), before creating anything', async () => {
    for (const text of ['   ', 'x'.repeat(1001)]) {
      const bad = await livedesk(['demo', '--welcome-message', text], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--welcome-message');
      expect(bad.stdout).toBe('');
    }
  });
});
