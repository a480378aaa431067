import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem } from '@livedesk/testing';
import { spawnCli as livedesk } from './testing/spawn-cli.js';

// `livedesk agent disable|enable` as a real process against a real gateway.
describe('livedesk agent disable and enable', () => {
  let system: ChatSystem;
  let env: Record<string, string>;

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 1 });
    env = { LIVEDESK_URL: system.gatewayUrl(), LIVEDESK_ADMIN_TOKEN: system.adminToken };
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('disables an agent, whose socket closes and whose login is refused, then enables it again', async () => {
    const { organization_id: org } = await system.createOrganization('CLI agents');
    const kim = await system.createAgent(org, { email: 'kim@cli.test' });
    const socket = await system.connect('agent', kim.token);
    const disabled = await livedesk(['agent', 'disable', '--org', org, '--agent', kim.agentId], env);
    expect(disabled).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(disabled.stdout)).toEqual({
      agent_id: kim.agentId,
      name: 'kim',
      display_name: null,
      avatar_url: null,
      disabled: true,
      daily_summary: false,
      // The whole agent, as `GET …/agents/:agent_id` answers it.
      email: 'kim@cli.test',
      role: 'agent',
      kind: 'human',
      max_chats: null,
      groups: [],
      created_at: expect.any(String),
    });
    expect((await socket.closed).code).toBe(4003);
    expect(
      (
        await system.post(
          '/v1/agent/token',
          { email: 'kim@cli.test', password: 'correct horse battery staple' },
          undefined,
        )
      ).status,
    ).toBe(403);
    const enabled = await livedesk(['agent', 'enable', '--org', org, '--agent', kim.agentId], env);
    expect(JSON.parse(enabled.stdout)).toEqual({
      agent_id: kim.agentId,
      name: 'kim',
      display_name: null,
      avatar_url: null,
      disabled: false,
      daily_summary: false,
      // The whole agent, as `GET …/agents/:agent_id` answers it.
      email: 'kim@cli.test',
      role: 'agent',
      kind: 'human',
      max_chats: null,
      groups: [],
      created_at: expect.any(String),
    });
    expect(
      (
        await system.post(
          '/v1/agent/token',
          { email: 'kim@cli.test', password: 'correct horse battery staple' },
          undefined,
        )
      ).status,
    ).toBe(200);
  });

  it('answers an unknown agent with not_found', async () => {
    const { organization_id: org } = await system.createOrganization('CLI unknown');
    const unknown = await livedesk(['agent', 'disable', '--org', org, '--agent', 'nobody'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^livedesk: not_found: /);
  });
});
