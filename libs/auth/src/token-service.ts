import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { AgentKind, AgentRole, Id } from '@livedesk/contracts';
import { InvalidTokenError } from './invalid-token-error.js';
import type { Principal } from './principal.js';

export interface TokenServiceOptions {
  /** The HS256 key (LIVEDESK_JWT_SECRET), the same on every replica. */
  secret: string | Uint8Array;
  agentTtlSeconds: number;
  customerTtlSeconds: number;
  /** The clock; tests move it. */
  now?: () => Date;
}

export interface IssuedToken {
  token: string;
  /** ISO 8601, UTC. */
  expires_at: string;
}

const ISSUER = 'livedesk';
const AUDIENCE = 'livedesk';

// The claims besides iss/aud/exp/iat, which jose checks. `sub` is the customer or agent id.
const Claims = z.discriminatedUnion('kind', [
  z.object({ sub: Id, org: Id, kind: z.literal('customer') }),
  z.object({ sub: Id, org: Id, kind: z.literal('agent'), role: AgentRole, agent_kind: AgentKind }),
]);

/**
 * livedesk tokens, issued by the identity service (JWT, HS256): `iss` and `aud` `livedesk`, `sub` the customer or
 * agent id, `org` its organization, `kind` `customer` or `agent`, and for agents `role` and
 * `agent_kind`. One key signs and verifies on every replica, so any replica accepts a token
 * that another issued.
 */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly now: () => Date;

  constructor(private readonly options: TokenServiceOptions) {
    this.key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    this.now = options.now ?? (() => new Date());
  }

  async issue(principal: Principal): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const ttl = principal.kind === 'agent' ? this.options.agentTtlSeconds : this.options.customerTtlSeconds;
    const expiresAt = issuedAt + ttl;
    const claims =
      principal.kind === 'agent'
        ? { org: principal.organizationId, kind: 'agent', role: principal.role, agent_kind: principal.agentKind }
        : { org: principal.organizationId, kind: 'customer' };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(principal.kind === 'agent' ? principal.agentId : principal.customerId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expires_at: new Date(expiresAt * 1000).toISOString() };
  }

  /** The token's principal; throws `InvalidTokenError` (`token_expired` or `token_invalid`) otherwise. */
  async verify(token: string): Promise<Principal> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub'],
        currentDate: this.now(),
      }));
    } catch (error) {
      throw new InvalidTokenError(error instanceof errors.JWTExpired ? 'token_expired' : 'token_invalid');
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('token_invalid');
    const { data } = claims;
    return data.kind === 'agent'
      ? { kind: 'agent', organizationId: data.org, agentId: data.sub, role: data.role, agentKind: data.agent_kind }
      : { kind: 'customer', organizationId: data.org, customerId: data.sub };
  }
}
