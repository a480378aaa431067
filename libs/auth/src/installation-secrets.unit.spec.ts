import { describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_JWT_SECRET, InstallationSecrets } from './installation-secrets.js';

function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (message: string) => void warnings.push(message) } };
}

describe('InstallationSecrets', () => {
  it('uses the configured secrets without a word', () => {
    const { warnings, logger } = recordingLogger();
    const secrets = InstallationSecrets.fromConfig(
      { LIVEDESK_ADMIN_TOKEN: 'admin-token-0123456789', LIVEDESK_JWT_SECRET: 'j'.repeat(32) },
      logger,
    );
    expect(secrets.jwtSecret).toBe('j'.repeat(32));
    expect(secrets.isAdminToken('admin-token-0123456789')).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('takes the development values for missing ones, saying so and that services must share the JWT secret', () => {
    const { warnings, logger } = recordingLogger();
    const secrets = InstallationSecrets.fromConfig({}, logger);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`the development one, ${DEVELOPMENT_ADMIN_TOKEN}`);
    expect(secrets.isAdminToken(DEVELOPMENT_ADMIN_TOKEN)).toBe(true);
    expect(warnings[1]).toMatch(/LIVEDESK_JWT_SECRET is not set.*must share/);
    expect(secrets.jwtSecret).toBe(DEVELOPMENT_JWT_SECRET);
    expect(DEVELOPMENT_JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('recognizes only the exact admin token', () => {
    const secrets = new InstallationSecrets('admin-token-0123456789', 'j'.repeat(32));
    for (const candidate of ['', 'admin-token-012345678', 'admin-token-01234567890', 'ADMIN-TOKEN-0123456789']) {
      expect(secrets.isAdminToken(candidate)).toBe(false);
    }
  });
});
