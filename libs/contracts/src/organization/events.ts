import { z } from 'zod';
import { AgentKind, AgentRole } from '../actor.js';
import { Id, SafeString } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';

/** A tag of the organization's list (`tag_chat`): trimmed, 1 to 64 characters, compared exactly. */
export const TagName = SafeString.trim().min(1).max(64);

/** Who changed the tag list: the installation admin, or an admin agent of the organization. */
const TagListEditor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('installation_admin') }),
  z.object({ kind: z.literal('agent'), agent_id: Id }),
]);

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
  /**
   * Stream `organization-<id>`: an admin added a tag to the organization's tag list
   * (`POST /v1/organizations/:id/tags`); agents may tag chats with it from then on.
   */
  OrganizationTagAdded: defineEvent('OrganizationTagAdded', z.object({ name: TagName, by: TagListEditor })),
  /**
   * Stream `organization-<id>`: an admin deleted a tag from the list (`DELETE
   * /v1/organizations/:id/tags/:name`). Chats tagged with it keep the tag (history is not
   * rewritten) and may still be untagged; no chat can be tagged with it any more.
   */
  OrganizationTagRemoved: defineEvent('OrganizationTagRemoved', z.object({ name: TagName, by: TagListEditor })),
} as const;

export type OrganizationEvent = EventUnion<typeof organizationEvents>;
