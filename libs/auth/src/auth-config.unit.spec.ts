import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { loadServiceConfig, ServiceConfigError } from '@livedesk/service-kit';
import { authConfigShape } from './auth-config.js';
import { DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_JWT_SECRET } from './installation-secrets.js';

const fresh = {
  LIVEDESK_ADMIN_TOKEN: randomBytes(32).toString('base64url'),
  LIVEDESK_JWT_SECRET: randomBytes(48).toString('base64url'),
};

/** The settings as a service parses them at start (`loadServiceConfig`), or the refusal's lines. */
function parse(env: NodeJS.ProcessEnv): { config?: Record<string, unknown>; refusals?: string[] } {
  try {
    return { config: loadServiceConfig({ defaultPort: 8080, extension: authConfigShape(env), env }) };
  } catch (error) {
    if (error instanceof ServiceConfigError) return { refusals: error.problems };
    throw error;
  }
}

describe('authConfigShape', () => {
  it('takes fresh secrets in production', () => {
    const { config } = parse({ NODE_ENV: 'production', ...fresh });
    expect(config).toMatchObject(fresh);
  });

  it('refuses each development value in production, naming it without echoing it', () => {
    for (const [name, value] of [
      ['LIVEDESK_ADMIN_TOKEN', DEVELOPMENT_ADMIN_TOKEN],
      ['LIVEDESK_JWT_SECRET', DEVELOPMENT_JWT_SECRET],
    ] as const) {
      const { config, refusals } = parse({ NODE_ENV: 'production', ...fresh, [name]: value });
      expect(config).toBeUndefined();
      expect(refusals).toHaveLength(1);
      expect(refusals![0]).toMatch(
        new RegExp(`^${name}: is the public development value, refused when NODE_ENV is production`),
      );
      expect(refusals![0]).toContain('(value hidden)');
      expect(refusals![0]).not.toContain(value);
    }
    const { refusals } = parse({
      NODE_ENV: 'production',
      LIVEDESK_ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
      LIVEDESK_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
    });
    expect(refusals?.map((line) => line.split(':')[0])).toEqual(['LIVEDESK_ADMIN_TOKEN', 'LIVEDESK_JWT_SECRET']);
  });

  it('requires both in production, and long enough', () => {
    expect(parse({ NODE_ENV: 'production' }).refusals).toEqual([
      expect.stringMatching(/^LIVEDESK_ADMIN_TOKEN: is required when NODE_ENV is production/),
      expect.stringMatching(/^LIVEDESK_JWT_SECRET: is required when NODE_ENV is production/),
    ]);
    expect(parse({ NODE_ENV: 'production', ...fresh, LIVEDESK_JWT_SECRET: 'x'.repeat(31) }).refusals).toEqual([
      expect.stringMatching(/^LIVEDESK_JWT_SECRET: must be at least 32 characters/),
    ]);
  });

  it('outside production, takes the development values and leaves unset ones unset (the development ones then, with a warning)', () => {
    const { config } = parse({
      LIVEDESK_ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
      LIVEDESK_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
    });
    expect(config).toMatchObject({
      LIVEDESK_ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
      LIVEDESK_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
    });
    const unset = parse({ NODE_ENV: 'development' }).config;
    expect(unset?.LIVEDESK_ADMIN_TOKEN).toBeUndefined();
    expect(unset?.LIVEDESK_JWT_SECRET).toBeUndefined();
  });
});
