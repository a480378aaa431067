import { errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { IdentityError } from './identity-errors.js';
import { parseOrRefuse } from '@livedesk/service-kit';
import { CustomerCustomFields, SafeString } from '@livedesk/contracts';

/** Who the company's site says the visitor is. */
export interface CustomerIdentity {
  /** The site's own user id (`sub`). */
  externalId: string;
  email?: string;
  name?: string;
  customFields?: CustomerCustomFields;
}

const IdentityClaims = z.object({
  sub: SafeString.min(1).max(255),
  email: z.email().max(320).optional(),
  name: SafeString.min(1).max(255).optional(),
  custom_fields: CustomerCustomFields.optional(),
});

/**
 * Verifies an identity the company's site signed (JWT, HS256, with the organization's
 * `identity_secret`). A bad signature, another algorithm, an expired or not-yet-valid token:
 * `authentication`. A well-signed identity whose claims are unusable (no `sub`, a malformed
 * email): `validation`, naming the claim, since the site has a bug to fix. `exp` is honoured
 * when present; the site decides how long its identities live.
 */
export async function verifyCustomerIdentity(identity: string, identitySecret: string): Promise<CustomerIdentity> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(identity, new TextEncoder().encode(identitySecret), { algorithms: ['HS256'] }));
  } catch (error) {
    const why =
      error instanceof errors.JWTExpired
        ? 'has expired'
        : "is not signed with the organization's identity secret or is malformed";
    throw new IdentityError('authentication', `identity ${why}`);
  }
  const { sub, email, name, custom_fields: customFields } = parseOrRefuse(IdentityClaims, payload, 'identity');
  return {
    externalId: sub,
    ...(email === undefined ? {} : { email }),
    ...(name === undefined ? {} : { name }),
    ...(customFields === undefined ? {} : { customFields }),
  };
}
