import { z } from 'zod';
import { Id, SafeString } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';

export const organizationEvents = {
  /**
   * Stream `organization-<id>`: the identity service's directory created an organization. The metrics
   * service reads the time zone its reports and per-day figures use.
   */
  OrganizationCreated: defineEvent(
    'OrganizationCreated',
    z.object({ organization_id: Id, name: SafeString.max(255), time_zone: SafeString.min(1).max(64) }),
  ),
} as const;

export type OrganizationEvent = EventUnion<typeof organizationEvents>;
