import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatSystem, waitFor } from '@livedesk/testing';
import { spawnCli as livedesk } from './testing/spawn-cli.js';

// `livedesk sla-policy` and `livedesk metrics rebuild` as real processes against the gateway and
// the metrics service, spawned.

describe('livedesk sla-policy and metrics rebuild', () => {
  let system: ChatSystem;
  let env: Record<string, string>;
  let org: string;

  beforeAll(async () => {
    system = await ChatSystem.start({
      gateways: 1,
      metrics: 1,
      env: { METRICS_CONTROL_POLL_MS: '100', METRICS_DERIVED_INTERVAL_MS: '100' },
    });
    env = {
      LIVEDESK_URL: system.gatewayUrl(),
      LIVEDESK_METRICS_URL: system.metrics[0]!.url,
      LIVEDESK_ADMIN_TOKEN: system.adminToken,
    };
    ({ organization_id: org } = await system.createOrganization('CLI metrics'));
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('sets, lists and removes an SLA policy with a business calendar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'livedesk-cli-'));
    const calendar = join(dir, 'office.json');
    writeFileSync(
      calendar,
      JSON.stringify({ time_zone: 'Europe/Warsaw', weekly: [{ day: 'mon', from: '09:00', to: '17:00' }] }),
    );
    const set = await livedesk(
      [
        'sla-policy',
        'set',
        '--org',
        org,
        '--id',
        'vip',
        '--name',
        'VIP',
        '--priority',
        'urgent',
        '--channel',
        'chat',
        '--first-response',
        '30',
        '--calendar',
        calendar,
      ],
      env,
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toMatchObject({ policy_id: 'vip', version: 1 });
    const listed = await waitFor(
      async () => {
        const list = await livedesk(['sla-policy', 'list', '--org', org], env);
        const policies = (JSON.parse(list.stdout) as { policies: unknown[] }).policies;
        return policies.length === 1 ? policies : undefined;
      },
      { what: 'the policy to be listed', timeoutMs: 20_000 },
    );
    expect(listed[0]).toMatchObject({
      policy_id: 'vip',
      name: 'VIP',
      match: { priorities: ['urgent'], channels: ['chat'] },
      targets: { first_response_seconds: 30 },
      calendar: { time_zone: 'Europe/Warsaw', weekly: [{ day: 'mon', from: '09:00', to: '17:00' }], holidays: [] },
    });
    expect(await livedesk(['sla-policy', 'remove', '--org', org, '--id', 'vip'], env)).toMatchObject({ code: 0 });
  });

  it('refuses bad input with a clear message', async () => {
    const badChannel = await livedesk(
      ['sla-policy', 'set', '--org', org, '--id', 'x', '--name', 'X', '--channel', 'fax', '--queue', '10'],
      env,
    );
    expect(badChannel.code).toBe(2);
    expect(badChannel.stderr).toMatch(/expected one of chat, messaging/);
    const noTarget = await livedesk(['sla-policy', 'set', '--org', org, '--id', 'x', '--name', 'X'], env);
    expect(noTarget.code).toBe(1);
    expect(noTarget.stderr).toMatch(/^livedesk: validation: .*at least one target/);
    const stranger = await livedesk(['sla-policy', 'list', '--org', org], {
      ...env,
      LIVEDESK_ADMIN_TOKEN: 'not-the-admin-token',
    });
    expect(stranger).toMatchObject({ code: 1 });
    expect(stranger.stderr).toMatch(/^livedesk: authentication: /);
  });

  it('rebuilds the metrics tables, showing the progress', async () => {
    const rebuild = await livedesk(['metrics', 'rebuild', '--poll-ms', '100'], env);
    expect(rebuild.code).toBe(0);
    expect(rebuild.stderr).toMatch(/rebuild done: \d+ of \d+ events \(100 %\)\n$/);
    expect(JSON.parse(rebuild.stdout)).toMatchObject({ status: 'done', error: null });
    // Only the installation admin may rebuild.
    const refused = await livedesk(['metrics', 'rebuild'], { ...env, LIVEDESK_ADMIN_TOKEN: 'not-the-admin-token' });
    expect(refused.code).toBe(1);
  });
});
