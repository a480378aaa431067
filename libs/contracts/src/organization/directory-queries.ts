import { z } from 'zod';
import { AgentKind, AgentRole } from '../actor.js';
import { Id, SafeString, Timestamp } from '../common.js';
import { SearchLanguage } from '../conversation/search.js';
import { BusinessHours } from './business-hours.js';
import { SurveyQuestions } from './survey.js';

const OrganizationId = { organization_id: Id };

/** The most custom fields one customer identity carries. */
export const CUSTOMER_CUSTOM_FIELDS_MAX = 30;

/**
 * The site's own facts about its user, signed in the identity (`custom_fields` claim): names of
 * 1–64 characters, values short strings, numbers or booleans; at most 30.
 */
export const CustomerCustomFields = z
  .record(SafeString.min(1).max(64), z.union([SafeString.max(1024), z.number(), z.boolean()]))
  .refine((fields) => Object.keys(fields).length <= CUSTOMER_CUSTOM_FIELDS_MAX, {
    message: `at most ${CUSTOMER_CUSTOM_FIELDS_MAX} custom fields`,
  });
export type CustomerCustomFields = z.infer<typeof CustomerCustomFields>;

const DirectoryGroup = z.object({ group_id: Id, name: SafeString, routing: z.enum(['auto', 'manual']) });

const DirectoryAgent = z.object({
  agent_id: Id,
  organization_id: Id,
  email: SafeString,
  name: SafeString,
  display_name: SafeString.nullable(),
  avatar_url: SafeString.nullable(),
  role: AgentRole,
  kind: AgentKind,
  max_chats: z.number().int().positive().nullable(),
  group_ids: z.array(Id),
  disabled: z.boolean(),
  /** Opted in to the daily summary email. */
  daily_summary: z.boolean(),
});

/**
 * What the gateway reads of the identity service's directory over NATS request/reply
 * (`<prefix>.cmd.directory.<name>`): the gateway checks the groups, agents and customers a
 * frame names, answers the desk's team listing and canned responses, checks the Origin of
 * customer sockets and the survey answers against the organization's questions; the metrics
 * service reads who gets the daily summary email. Read only: every change goes through the identity service's HTTP API. An
 * unknown id (or one of another organization) answers null, never an error.
 */
export const directoryQueries = {
  /**
   * The organization's name, time zone, default group (chats that name none), `allowed_origins`,
   * the post-chat survey's own questions, the archive search's language (conversation), whether
   * chats end with a transcript by email (ticketing), and what decides whether a chat may start
   * and how long it may stay silent: `business_hours` (null: always open) and
   * `chat_inactivity_seconds`. The last two are optional in the reply for an identity service of
   * an earlier version (then: always open, the default inactivity).
   */
  organization: {
    request: z.object({ ...OrganizationId }),
    reply: z.object({
      organization: z
        .object({
          organization_id: Id,
          name: SafeString,
          default_group_id: Id,
          allowed_origins: z.array(SafeString),
          time_zone: SafeString,
          survey_questions: SurveyQuestions,
          // Defaults: an identity service older than these settings answers without them.
          search_language: SearchLanguage.default('simple'),
          transcript_on_close: z.boolean().default(false),
          business_hours: BusinessHours.nullable().optional(),
          chat_inactivity_seconds: z.number().int().positive().optional(),
        })
        .nullable(),
    }),
  },
  group: {
    request: z.object({ ...OrganizationId, group_id: Id }),
    reply: z.object({ group: DirectoryGroup.nullable() }),
  },
  groups: {
    request: z.object({ ...OrganizationId }),
    reply: z.object({ groups: z.array(DirectoryGroup) }),
  },
  agent: {
    request: z.object({ ...OrganizationId, agent_id: Id }),
    reply: z.object({ agent: DirectoryAgent.nullable() }),
  },
  /** The organization's agents (of one group with `group_id`), ordered by id; `enabled_only` leaves the disabled out. */
  agents: {
    request: z.object({ ...OrganizationId, group_id: Id.optional(), enabled_only: z.boolean() }),
    reply: z.object({ agents: z.array(DirectoryAgent) }),
  },
  /** What customers see of agents: the display name (or the name) and the avatar. */
  agent_profiles: {
    request: z.object({ ...OrganizationId, agent_ids: z.array(Id).max(500) }),
    reply: z.object({
      profiles: z.array(z.object({ agent_id: Id, display_name: SafeString, avatar_url: SafeString.nullable() })),
    }),
  },
  customer: {
    request: z.object({ ...OrganizationId, customer_id: Id }),
    reply: z.object({
      customer: z
        .object({
          customer_id: Id,
          email: SafeString.nullable(),
          name: SafeString.nullable(),
          /** The site's own user id (`sub` of the identity it signed); null for an anonymous customer. */
          external_id: SafeString.nullable().default(null),
          custom_fields: CustomerCustomFields.default({}),
          created_at: z.iso.datetime({ offset: true }).optional(),
        })
        .nullable(),
    }),
  },
  /** Whether the tag is on the organization's tag list (`tag_chat`); null: it is not. */
  tag: {
    request: z.object({ ...OrganizationId, tag: SafeString.min(1).max(64) }),
    reply: z.object({ tag: z.object({ name: SafeString }).nullable() }),
  },
  /**
   * The ban in force of a customer of the organization (`login`, `start_chat`); null: none, or
   * it expired. `customer_exists` false: no such customer in the organization.
   */
  customer_ban: {
    request: z.object({ ...OrganizationId, customer_id: Id }),
    reply: z.object({
      customer_exists: z.boolean(),
      ban: z.object({ banned_until: Timestamp.nullable(), reason: SafeString.nullable() }).nullable(),
    }),
  },
  /** The organization's shared canned responses and the agent's own. */
  canned_responses: {
    request: z.object({ ...OrganizationId, agent_id: Id }),
    reply: z.object({
      canned_responses: z.array(
        z.object({
          canned_response_id: Id,
          shortcut: SafeString,
          text: SafeString,
          scope: z.enum(['shared', 'personal']),
        }),
      ),
    }),
  },
} as const;

export type DirectoryQueryName = keyof typeof directoryQueries;
export type DirectoryQuery<N extends DirectoryQueryName> = z.infer<(typeof directoryQueries)[N]['request']>;
export type DirectoryQueryReply<N extends DirectoryQueryName> = z.infer<(typeof directoryQueries)[N]['reply']>;
export type DirectoryAgentRecord = z.infer<typeof DirectoryAgent>;
export type DirectoryGroupRecord = z.infer<typeof DirectoryGroup>;

/** The NATS pattern of a directory query (the deployment prefix is added by the transport). */
export function directoryPattern(name: DirectoryQueryName): string {
  return `cmd.directory.${name}`;
}
