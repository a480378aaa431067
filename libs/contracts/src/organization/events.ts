import { z } from 'zod';
import { AgentKind, AgentRole } from '../actor.js';
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
  /**
   * Stream `organization-<id>`: a group was created or changed, as it is now. Names only: the
   * metrics service keeps `metrics.groups` from it, so BI tools need no access to the directory.
   */
  GroupSaved: defineEvent(
    'GroupSaved',
    z.object({ group_id: Id, name: SafeString.max(255), routing: z.enum(['auto', 'manual']) }),
  ),
  /**
   * Stream `organization-<id>`: an agent was created or changed, as it is now (names, role,
   * groups, disabled; never the email, password or keys). The metrics service keeps
   * `metrics.agents` from it.
   */
  AgentSaved: defineEvent(
    'AgentSaved',
    z.object({
      agent_id: Id,
      name: SafeString.max(255),
      display_name: SafeString.max(255).nullable(),
      role: AgentRole,
      kind: AgentKind,
      group_ids: z.array(Id).max(1000),
      disabled: z.boolean(),
    }),
  ),
} as const;

export type OrganizationEvent = EventUnion<typeof organizationEvents>;
