import { z } from 'zod';
import { AgentKind, AgentRole } from '../actor.js';
import { Id, SafeString } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';

/** A tag of the organization's list (`tag_chat`): trimmed, 1 to 64 characters, compared exactly. */
export const TagName = SafeString.trim().min(1).max(64);

/**
 * Who changed the directory (the tag list, an agent, a group, a canned response): the
 * installation admin, or an admin agent of the organization. The audit log
 * (`GET /v1/organizations/:id/audit`) shows it as the change's author.
 */
export const DirectoryEditor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('installation_admin') }),
  z.object({ kind: z.literal('agent'), agent_id: Id }),
]);
export type DirectoryEditor = z.infer<typeof DirectoryEditor>;
const TagListEditor = DirectoryEditor;

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
   * Stream `organization-<id>`: an admin changed the organization's settings
   * (`PATCH /v1/organizations/:id`): the names of the settings changed (`allowed_origins`,
   * `business_hours`, …); `GET /v1/organizations/:id` has their values.
   */
  OrganizationSettingsChanged: defineEvent(
    'OrganizationSettingsChanged',
    z.object({ fields: z.array(SafeString.max(64)).min(1).max(50), by: DirectoryEditor.optional() }),
  ),
  /**
   * Stream `organization-<id>`: a group was created or changed, as it is now. Names only: the
   * metrics service keeps `metrics.groups` from it, so BI tools need no access to the directory.
   */
  GroupSaved: defineEvent(
    'GroupSaved',
    z.object({
      group_id: Id,
      name: SafeString.max(255),
      routing: z.enum(['auto', 'manual']),
      /** Who created or renamed it (absent from the events of before the audit log). */
      by: DirectoryEditor.optional(),
    }),
  ),
  /**
   * Stream `organization-<id>`: an admin deleted a group (`DELETE /v1/organizations/:id/groups/:group_id`),
   * which no agent was a member of and no chat was queued in any more. Chats and tickets of the
   * past keep its id; the metrics keep its name for them.
   */
  GroupDeleted: defineEvent('GroupDeleted', z.object({ group_id: Id, name: SafeString.max(255), by: DirectoryEditor })),
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
      /** The agent's own chat limit; null: the routing service's default (absent from older events). */
      max_chats: z.number().int().positive().nullable().optional(),
      /** Who created or changed it (absent from the events of before the audit log). */
      by: DirectoryEditor.optional(),
    }),
  ),
  /**
   * Stream `organization-<id>`: a canned response was created or changed, as it is now
   * (`agent_id` null: shared by the organization; else personal to that agent).
   */
  CannedResponseSaved: defineEvent(
    'CannedResponseSaved',
    z.object({
      canned_response_id: Id,
      shortcut: SafeString.max(64),
      text: SafeString.max(4096),
      agent_id: Id.nullable(),
      by: DirectoryEditor,
    }),
  ),
  /** Stream `organization-<id>`: an admin deleted a canned response. */
  CannedResponseDeleted: defineEvent(
    'CannedResponseDeleted',
    z.object({ canned_response_id: Id, shortcut: SafeString.max(64), agent_id: Id.nullable(), by: DirectoryEditor }),
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
