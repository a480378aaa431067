import { describe, expect, it } from '@jest/globals';
import { loadServiceConfig, ServiceConfigError } from '@livedesk/service-kit';
import { gatewayConfigShape } from './gateway-config.js';

const load = (env: Record<string, string>) =>
  loadServiceConfig({ defaultPort: 8080, extension: gatewayConfigShape(env), env });

describe('the gateway config', () => {
  it('forwards to the identity service on this machine by default, and takes another http(s) URL', () => {
    expect(load({}).IDENTITY_URL).toBe('http://127.0.0.1:8085');
    expect(load({ IDENTITY_URL: 'http://identity:8085' }).IDENTITY_URL).toBe('http://identity:8085');
  });

  it('refuses an IDENTITY_URL that is not an http(s) URL', () => {
    expect(() => load({ IDENTITY_URL: 'identity:8085' })).toThrow(ServiceConfigError);
    expect(() => load({ IDENTITY_URL: 'ftp://identity' })).toThrow(/IDENTITY_URL/);
  });

  it('refuses to start in production without the JWT secret it verifies tokens with', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(
      /LIVEDESK_JWT_SECRET: is required when NODE_ENV is production/,
    );
  });

  it('reads DESK_ORIGINS as normalized origins (none by default)', () => {
    expect(load({}).DESK_ORIGINS).toEqual([]);
    expect(load({ DESK_ORIGINS: 'https://Desk.Example' }).DESK_ORIGINS).toEqual(['https://desk.example']);
  });
});
