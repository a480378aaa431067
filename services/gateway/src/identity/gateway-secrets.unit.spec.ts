import { describe, expect, it } from '@jest/globals';
import { GatewaySecrets } from './gateway-secrets.js';

function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (message: string) => void warnings.push(message) } };
}

describe('GatewaySecrets', () => {
  it('uses the configured secrets without a word', () => {
    const { warnings, logger } = recordingLogger();
    const secrets = GatewaySecrets.fromConfig({ LIVEDESK_ADMIN_TOKEN: 'admin-token-0123456789', LIVEDESK_JWT_SECRET: 'j'.repeat(32) }, logger);
    expect(secrets.jwtSecret).toBe('j'.repeat(32));
    expect(secrets.isAdminToken('admin-token-0123456789')).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('generates missing ones once, printing the admin token and warning that replicas must share the JWT secret', () => {
    const { warnings, logger } = recordingLogger();
    const secrets = GatewaySecrets.fromConfig({}, logger);
    expect(warnings).toHaveLength(2);
    const adminToken = /admin token of this run is (\S+)/.exec(warnings[0]!)?.[1];
    expect(adminToken?.length).toBeGreaterThanOrEqual(16);
    expect(secrets.isAdminToken(adminToken!)).toBe(true);
    expect(warnings[1]).toMatch(/LIVEDESK_JWT_SECRET is not set.*replicas must share/);
    expect(secrets.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(GatewaySecrets.fromConfig({}, logger).jwtSecret).not.toBe(secrets.jwtSecret);
  });

  it('recognizes only the exact admin token', () => {
    const secrets = new GatewaySecrets('admin-token-0123456789', 'j'.repeat(32));
    for (const candidate of ['', 'admin-token-012345678', 'admin-token-01234567890', 'ADMIN-TOKEN-0123456789']) {
      expect(secrets.isAdminToken(candidate)).toBe(false);
    }
  });
});
