import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem } from '@livedesk/testing';
import { spawnCli as livedesk } from './testing/spawn-cli.js';

// `livedesk org get|set` as a real process against a real gateway.
describe('livedesk org get and set', () => {
  let system: ChatSystem;
  let env: Record<string, string>;

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 1 });
    env = { LIVEDESK_URL: system.gatewayUrl(), LIVEDESK_ADMIN_TOKEN: system.adminToken };
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('sets the allowed origins and the name, reads them back, and clears the origins', async () => {
    const { organization_id: org } = await system.createOrganization('CLI shop');
    const set = await livedesk(
      [
        'org',
        'set',
        '--org',
        org,
        '--name',
        'CLI shop online',
        '--allowed-origin',
        'https://Shop.Example',
        'http://localhost:5173',
      ],
      env,
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toMatchObject({
      organization_id: org,
      name: 'CLI shop online',
      allowed_origins: ['https://shop.example', 'http://localhost:5173'],
    });
    const got = await livedesk(['org', 'get', '--org', org], env);
    expect(got).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(got.stdout)).toEqual(JSON.parse(set.stdout));
    // The gateway acts on them: a page of the shop gets a token, another site's page does not.
    const token = (origin: string) =>
      fetch(`${system.gatewayUrl()}/v1/customer/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ organization_id: org }),
      });
    expect((await token('https://shop.example')).status).toBe(200);
    expect((await token('https://stranger.example')).status).toBe(403);
    const cleared = await livedesk(['org', 'set', '--org', org, '--clear-allowed-origins'], env);
    expect(JSON.parse(cleared.stdout).allowed_origins).toEqual([]);
  });

  it("sets the archive search's language and the transcript at a chat's end, and refuses an unknown language", async () => {
    const { organization_id: org } = await system.createOrganization('CLI search');
    const set = await livedesk(
      ['org', 'set', '--org', org, '--search-language', 'german', '--transcript-on-close'],
      env,
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toMatchObject({ search_language: 'german', transcript_on_close: true });
    const off = await livedesk(['org', 'set', '--org', org, '--no-transcript-on-close'], env);
    expect(JSON.parse(off.stdout)).toMatchObject({ search_language: 'german', transcript_on_close: false });
    const unknown = await livedesk(['org', 'set', '--org', org, '--search-language', 'klingon'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^livedesk: validation: .*search_language/);
  });

  it('reports an origin that is not one, and an unknown organization', async () => {
    const { organization_id: org } = await system.createOrganization('CLI refusals');
    const invalid = await livedesk(
      ['org', 'set', '--org', org, '--allowed-origin', 'https://shop.example/widget'],
      env,
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^livedesk: validation: .*"https:\/\/shop\.example\/widget" is not an origin/);
    const unknown = await livedesk(['org', 'get', '--org', 'nowhere'], env);
    expect(unknown).toMatchObject({ code: 1, stderr: 'livedesk: not_found: no organization "nowhere"\n' });
    const both = await livedesk(
      ['org', 'set', '--org', org, '--allowed-origin', 'https://shop.example', '--clear-allowed-origins'],
      env,
    );
    expect(both.code).toBe(1);
  });

  it("sets and clears the widget's settings; sets and clears an agent's display name and avatar", async () => {
    const { organization_id: org } = await system.createOrganization('CLI widget');
    const hours = {
      time_zone: 'Europe/Warsaw',
      weekly: [{ day: 'mon', from: '09:00', to: '17:00' }],
      holidays: ['2026-12-25'],
    };
    const set = await livedesk(
      [
        'org',
        'set',
        '--org',
        org,
        '--welcome-message',
        'Hi there!',
        '--business-hours',
        JSON.stringify(hours),
        '--open-delay',
        '20',
      ],
      env,
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toMatchObject({
      welcome_message: 'Hi there!',
      business_hours: hours,
      widget_open_delay_seconds: 20,
    });
    // What the widget reads, without a token.
    const widget = await fetch(`${system.gatewayUrl()}/v1/customer/widget-settings?organization_id=${org}`);
    expect(await widget.json()).toEqual({
      organization_id: org,
      welcome_message: 'Hi there!',
      business_hours: hours,
      widget_open_delay_seconds: 20,
    });
    const cleared = await livedesk(
      ['org', 'set', '--org', org, '--clear-welcome-message', '--always-open', '--no-auto-open'],
      env,
    );
    expect(JSON.parse(cleared.stdout)).toMatchObject({
      welcome_message: null,
      business_hours: null,
      widget_open_delay_seconds: null,
    });
    // Refusals: the gateway's (an interval ending before it starts), and the CLI's own.
    const backwards = await livedesk(
      [
        'org',
        'set',
        '--org',
        org,
        '--business-hours',
        JSON.stringify({ ...hours, weekly: [{ day: 'mon', from: '17:00', to: '09:00' }] }),
      ],
      env,
    );
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toMatch(/^livedesk: validation: .*end after it starts/);
    expect((await livedesk(['org', 'set', '--org', org, '--business-hours', '{not json'], env)).code).not.toBe(0);
    expect((await livedesk(['org', 'set', '--org', org, '--open-delay', '5', '--no-auto-open'], env)).code).toBe(1);
    // The period after which a silent active chat is closed; 0 is refused by the gateway and changes nothing.
    const inactivity = await livedesk(['org', 'set', '--org', org, '--chat-inactivity', '120'], env);
    expect(JSON.parse(inactivity.stdout)).toMatchObject({ chat_inactivity_seconds: 120 });
    const zero = await livedesk(['org', 'set', '--org', org, '--chat-inactivity', '0'], env);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/^livedesk: validation: .*chat_inactivity_seconds/);
    expect(JSON.parse((await livedesk(['org', 'get', '--org', org], env)).stdout)).toMatchObject({
      chat_inactivity_seconds: 120,
    });

    const agent = await system.createAgent(org, { email: 'ada@cli-widget.test', name: 'Ada Internal' });
    const profile = await livedesk(
      [
        'agent',
        'set',
        '--org',
        org,
        '--agent',
        agent.agentId,
        '--display-name',
        'Ada',
        '--avatar-url',
        'https://cdn.example/ada.png',
      ],
      env,
    );
    expect(profile).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(profile.stdout)).toEqual({
      agent_id: agent.agentId,
      name: 'Ada Internal',
      display_name: 'Ada',
      avatar_url: 'https://cdn.example/ada.png',
      disabled: false,
      daily_summary: false,
      // The whole agent, as `GET …/agents/:agent_id` answers it.
      email: 'ada@cli-widget.test',
      role: 'agent',
      kind: 'human',
      max_chats: null,
      groups: [],
      created_at: expect.any(String),
    });
    const insecure = await livedesk(
      ['agent', 'set', '--org', org, '--agent', agent.agentId, '--avatar-url', 'http://cdn.example/ada.png'],
      env,
    );
    expect(insecure.code).toBe(1);
    expect(insecure.stderr).toMatch(/^livedesk: validation: .*https URL/);
    const plain = await livedesk(
      ['agent', 'set', '--org', org, '--agent', agent.agentId, '--clear-display-name', '--clear-avatar-url'],
      env,
    );
    expect(JSON.parse(plain.stdout)).toMatchObject({ display_name: null, avatar_url: null });
  });
});
