import { z } from 'zod';
import { Id } from '../common.js';

/**
 * Core NATS, `<prefix>.signal.organization_changed.<organization>`: the identity service, which
 * owns the directory, says that an organization's settings changed (`PATCH /v1/organizations/:id`)
 * or one of its groups was renamed or deleted. Gateway and identity replicas forget the allowed
 * origins (and gateways the groups) they cached for it; gateways close the customer sockets of
 * an origin no longer allowed. Not an event: the directory
 * row is the truth, and a missed signal only waits for the cache's expiry.
 */
export const ORGANIZATION_CHANGED_SIGNAL = 'organization_changed';

export const OrganizationChangedSignal = z.object({ organization_id: Id });
export type OrganizationChangedSignal = z.infer<typeof OrganizationChangedSignal>;
