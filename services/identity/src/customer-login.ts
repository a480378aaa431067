import { verifyCustomerIdentity } from './customer-identity.js';
import type { Directory } from './directory.js';
import { IdentityError } from './identity-errors.js';
import type { CustomerPrincipal } from '@livedesk/auth';

/**
 * A customer of an organization: anonymous (a new customer each time), or the one the site's
 * signed identity names (the same customer for the same `sub`).
 *
 * An unknown organization answers `not_found` (404), not `authentication`: the organization id
 * is public (every page with the chat widget carries it), so the answer reveals nothing, and
 * it tells whoever embeds the widget that the id is wrong rather than that a secret is.
 */
export class CustomerLogin {
  constructor(private readonly directory: Directory) {}

  async login(organizationId: string, identity?: string): Promise<CustomerPrincipal> {
    const organization = await this.directory.getOrganization(organizationId);
    if (!organization) throw new IdentityError('not_found', `no organization "${organizationId}"`);
    const profile = identity === undefined ? {} : await verifyCustomerIdentity(identity, organization.identitySecret);
    const customerId = await this.directory.upsertCustomer(organization.id, profile);
    return { kind: 'customer', organizationId: organization.id, customerId };
  }
}
