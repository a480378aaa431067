import { describe, expect, it } from '@jest/globals';
import { isIdentityPath } from './identity-proxy.middleware.js';

describe('the URLs the gateway forwards to the identity service', () => {
  it('are the setup API, the token endpoints and the widget settings, with their queries', () => {
    for (const url of [
      '/v1/organizations',
      '/v1/organizations?x=1',
      '/v1/organizations/org-1',
      '/v1/organizations/org-1/agents/agent-1',
      '/v1/customer/token',
      '/v1/agent/token',
      '/v1/customer/widget-settings?organization_id=org-1',
    ]) {
      expect({ url, forwarded: isIdentityPath(url) }).toEqual({ url, forwarded: true });
    }
  });

  it("are not the gateway's own URLs, nor look-alikes", () => {
    for (const url of [
      '/v1/asyncapi.json',
      '/v1/customer/rtm',
      '/v1/agent/rtm',
      '/v1/organizationsX',
      '/v1/customer/tokens',
      '/desk/',
      '/health/ready',
      '/metrics',
      '/x/v1/organizations',
    ]) {
      expect({ url, forwarded: isIdentityPath(url) }).toEqual({ url, forwarded: false });
    }
  });
});
