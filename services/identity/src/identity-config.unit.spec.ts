import { describe, expect, it } from '@jest/globals';
import { loadServiceConfig, ServiceConfigError } from '@livedesk/service-kit';
import { identityConfigShape } from './identity-config.js';

const load = (env: Record<string, string>) =>
  loadServiceConfig({ defaultPort: 8085, extension: identityConfigShape(env), env });

describe('the identity service config', () => {
  it('leaves both secrets unset outside production (the development ones at start) and has the default TTLs', () => {
    const config = load({});
    expect(config.LIVEDESK_ADMIN_TOKEN).toBeUndefined();
    expect(config.LIVEDESK_JWT_SECRET).toBeUndefined();
    expect(config.AGENT_TOKEN_TTL_SECONDS).toBe(43_200);
    expect(config.CUSTOMER_TOKEN_TTL_SECONDS).toBe(86_400);
  });

  it('refuses to start in production without the admin token and the JWT secret, naming both', () => {
    const attempt = () => load({ NODE_ENV: 'production' });
    expect(attempt).toThrow(ServiceConfigError);
    expect(attempt).toThrow(/LIVEDESK_ADMIN_TOKEN: is required when NODE_ENV is production/);
    expect(attempt).toThrow(
      /LIVEDESK_JWT_SECRET: is required when NODE_ENV is production .*same in every service and replica/,
    );
  });

  it('takes them in production, with the TTLs from the environment', () => {
    const config = load({
      NODE_ENV: 'production',
      LIVEDESK_ADMIN_TOKEN: 'a'.repeat(16),
      LIVEDESK_JWT_SECRET: 'b'.repeat(32),
      AGENT_TOKEN_TTL_SECONDS: '600',
      CUSTOMER_TOKEN_TTL_SECONDS: '1200',
    });
    expect(config).toMatchObject({
      LIVEDESK_ADMIN_TOKEN: 'a'.repeat(16),
      LIVEDESK_JWT_SECRET: 'b'.repeat(32),
      AGENT_TOKEN_TTL_SECONDS: 600,
      CUSTOMER_TOKEN_TTL_SECONDS: 1200,
    });
  });

  it('reads DESK_ORIGINS as normalized origins (none by default) and refuses an entry that is not one', () => {
    expect(load({}).DESK_ORIGINS).toEqual([]);
    expect(load({ DESK_ORIGINS: 'https://Desk.Example, http://localhost:5173' }).DESK_ORIGINS).toEqual([
      'https://desk.example',
      'http://localhost:5173',
    ]);
    expect(() => load({ DESK_ORIGINS: 'https://desk.example/app' })).toThrow(
      /DESK_ORIGINS: "https:\/\/desk.example\/app" is not an origin/,
    );
  });

  it('refuses secrets that are too short, in any environment', () => {
    const attempt = () => load({ LIVEDESK_ADMIN_TOKEN: 'short', LIVEDESK_JWT_SECRET: 'x'.repeat(31) });
    expect(attempt).toThrow(/LIVEDESK_ADMIN_TOKEN: must be at least 16 characters/);
    expect(attempt).toThrow(/LIVEDESK_JWT_SECRET: must be at least 32 characters/);
  });

  it('refuses a TTL that is not a whole number of seconds', () => {
    expect(() => load({ AGENT_TOKEN_TTL_SECONDS: 'soon' })).toThrow(/AGENT_TOKEN_TTL_SECONDS/);
    expect(() => load({ CUSTOMER_TOKEN_TTL_SECONDS: '1.5' })).toThrow(/CUSTOMER_TOKEN_TTL_SECONDS/);
  });
});
