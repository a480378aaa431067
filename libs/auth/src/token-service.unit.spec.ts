import { describe, expect, it } from '@jest/globals';
import { SignJWT, UnsecuredJWT } from 'jose';
import { InvalidTokenError } from './invalid-token-error.js';
import type { Principal } from './principal.js';
import { TokenService } from './token-service.js';

const SECRET = 'an-hs256-secret-of-at-least-32-characters';
const agent: Principal = {
  kind: 'agent',
  organizationId: 'org-1',
  agentId: 'agent-1',
  role: 'supervisor',
  agentKind: 'bot',
};
const customer: Principal = { kind: 'customer', organizationId: 'org-1', customerId: 'customer-1' };

function service(now = () => new Date('2026-11-24T12:00:00Z'), secret = SECRET): TokenService {
  return new TokenService({ secret, agentTtlSeconds: 3600, customerTtlSeconds: 7200, now });
}

async function reasonOf(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.reason;
    throw error;
  }
  return 'accepted';
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('TokenService', () => {
  it('issues an agent token that verifies back into the same principal, expiring after the agent TTL', async () => {
    const tokens = service();
    const issued = await tokens.issue(agent);
    expect(issued.expires_at).toBe('2026-11-24T13:00:00.000Z');
    expect(await tokens.verify(issued.token)).toEqual(agent);
    expect(claims(issued.token)).toEqual({
      iss: 'livedesk',
      aud: 'livedesk',
      sub: 'agent-1',
      org: 'org-1',
      kind: 'agent',
      role: 'supervisor',
      agent_kind: 'bot',
      iat: 1_795_521_600,
      exp: 1_795_525_200,
    });
  });

  it('issues a customer token with the customer TTL and no agent claims', async () => {
    const tokens = service();
    const issued = await tokens.issue(customer);
    expect(issued.expires_at).toBe('2026-11-24T14:00:00.000Z');
    expect(await tokens.verify(issued.token)).toEqual(customer);
    expect(claims(issued.token)).not.toHaveProperty('role');
  });

  it('refuses an expired token as expired', async () => {
    let now = new Date('2026-11-24T12:00:00Z');
    const tokens = service(() => now);
    const { token } = await tokens.issue(agent);
    now = new Date('2026-11-24T13:00:01Z');
    expect(await reasonOf(tokens.verify(token))).toBe('token_expired');
  });

  it('refuses a token signed with another key, a tampered one, and garbage as invalid', async () => {
    const { token } = await service(undefined, 'another-secret-of-at-least-32-characters').issue(agent);
    expect(await reasonOf(service().verify(token))).toBe('token_invalid');

    const genuine = (await service().issue(agent)).token;
    const [header, , signature] = genuine.split('.');
    const promoted = Buffer.from(JSON.stringify({ ...claims(genuine), role: 'admin' })).toString('base64url');
    expect(await reasonOf(service().verify(`${header}.${promoted}.${signature}`))).toBe('token_invalid');

    expect(await reasonOf(service().verify('not a token'))).toBe('token_invalid');
    expect(await reasonOf(service().verify(''))).toBe('token_invalid');
  });

  it('refuses an unsigned (alg none) token', async () => {
    const unsigned = new UnsecuredJWT({ org: 'org-1', kind: 'agent', role: 'admin', agent_kind: 'human' })
      .setIssuer('livedesk')
      .setAudience('livedesk')
      .setSubject('agent-1')
      .setExpirationTime('1h')
      .encode();
    expect(await reasonOf(service(() => new Date()).verify(unsigned))).toBe('token_invalid');
  });

  it('refuses a token of another issuer or audience, or with claims it does not understand', async () => {
    const key = new TextEncoder().encode(SECRET);
    const sign = (payload: Record<string, unknown>, issuer = 'livedesk', audience = 'livedesk') =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject('agent-1')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key);
    const tokens = service(() => new Date());
    const good = { org: 'org-1', kind: 'agent', role: 'admin', agent_kind: 'human' };
    expect(await tokens.verify(await sign(good))).toEqual({
      kind: 'agent',
      organizationId: 'org-1',
      agentId: 'agent-1',
      role: 'admin',
      agentKind: 'human',
    });
    expect(await reasonOf(tokens.verify(await sign(good, 'someone-else')))).toBe('token_invalid');
    expect(await reasonOf(tokens.verify(await sign(good, 'livedesk', 'another-app')))).toBe('token_invalid');
    expect(await reasonOf(tokens.verify(await sign({ ...good, role: 'owner' })))).toBe('token_invalid');
    expect(await reasonOf(tokens.verify(await sign({ kind: 'agent', role: 'admin', agent_kind: 'human' })))).toBe(
      'token_invalid',
    );
    expect(await reasonOf(tokens.verify(await sign({ org: 'org-1', kind: 'visitor' })))).toBe('token_invalid');
  });

  it('refuses a token without an expiry', async () => {
    const token = await new SignJWT({ org: 'org-1', kind: 'customer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('livedesk')
      .setAudience('livedesk')
      .setSubject('customer-1')
      .sign(new TextEncoder().encode(SECRET));
    expect(await reasonOf(service().verify(token))).toBe('token_invalid');
  });

  it('gives InvalidTokenError the authentication code, for the WebSocket and HTTP answers', async () => {
    const error = await service()
      .verify('x')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'authentication', reason: 'token_invalid' });
  });
});
