import type { CustomerBans } from './bans/customer-bans.js';
import { verifyCustomerIdentity } from './customer-identity.js';
import type { Directory } from './directory.js';
import { IdentityError } from './identity-errors.js';
import type { CustomerPrincipal } from '@livedesk/auth';

/**
 * A customer of an organization: anonymous (a new customer each time), or the one the site's
 * signed identity names (the same customer for the same `sub`).
 *
 * A customer with a ban in force is refused (403 `authorization`, reason `banned`).
 *
 * An unknown organization answers `not_found` (404), not `authentication`: the organization id
 * is public (every page with the chat widget carries it), so the answer reveals nothing, and
 * it tells whoever embeds the widget that the id is wrong rather than that a secret is.
 */
export class CustomerLogin {
  constructor(
    private readonly directory: Directory,
    private readonly bans: CustomerBans,
    private readonly clock: { now(): Date },
  ) {}

  async login(organizationId: string, identity?: string): Promise<CustomerPrincipal> {
    const organization = await this.directory.getOrganization(organizationId);
    if (!organization) throw new IdentityError('not_found', `no organization "${organizationId}"`);
    const profile = identity === undefined ? {} : await verifyCustomerIdentity(identity, organization.identitySecret);
    const customerId = await this.directory.upsertCustomer(organization.id, profile);
    // Only a customer the site names (a signed identity) can come back banned: an anonymous
    // login is a new customer each time.
    const ban = await this.bans.inForce(organization.id, customerId, this.clock.now());
    if (ban) throw new IdentityError('authorization', bannedMessage(ban.bannedUntil), 'banned');
    return { kind: 'customer', organizationId: organization.id, customerId };
  }
}

/** The refusal's sentence for a banned customer (the reason the agent wrote is for agents only). */
export function bannedMessage(bannedUntil: Date | null): string {
  return bannedUntil === null
    ? 'You are banned from this chat.'
    : `You are banned from this chat until ${bannedUntil.toISOString()}.`;
}
