import { afterEach, describe, expect, it } from '@jest/globals';
import { LivedeskError } from './errors.js';
import { fetchAgentToken, fetchCustomerToken } from './tokens.js';
import { ScriptedServer } from './testing/scripted-server.js';

let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('token helpers', () => {
  it('posts the customer token request and answers the token', async () => {
    const bodies: unknown[] = [];
    server = await ScriptedServer.start(
      () => undefined,
      (request, body, response) => {
        bodies.push({ url: request.url, method: request.method, body: JSON.parse(body) });
        response
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token: 'jwt', expires_at: '2030-01-01T00:00:00.000Z' }));
      },
    );
    await expect(fetchCustomerToken(`${server.url}/`, { organization_id: 'org-1' })).resolves.toEqual({
      token: 'jwt',
      expires_at: '2030-01-01T00:00:00.000Z',
    });
    expect(bodies).toEqual([{ url: '/v1/customer/token', method: 'POST', body: { organization_id: 'org-1' } }]);
  });

  it('turns a throttled answer into rate_limited with the Retry-After delay', async () => {
    server = await ScriptedServer.start(
      () => undefined,
      (_request, _body, response) => {
        response
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' })
          .end(JSON.stringify({ error: { code: 'rate_limited', message: 'too many attempts' } }));
      },
    );
    const error = await fetchAgentToken(server.url, { email: 'a@b.test', password: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LivedeskError);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 7_000, action: '/v1/agent/token' });
  });

  it('turns a wrong password into authentication', async () => {
    server = await ScriptedServer.start(
      () => undefined,
      (_request, _body, response) => {
        response.writeHead(401, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: { code: 'authentication', message: 'wrong email or password', reason: 'bad_credentials' },
          }),
        );
      },
    );
    const error = await fetchAgentToken(server.url, { email: 'a@b.test', password: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'authentication', status: 401, reason: 'bad_credentials' });
  });
});
