import { z } from 'zod';
import { AgentKind, AgentRole } from '../actor.js';
import { Id, SafeString, Timestamp } from '../common.js';
import { DEFAULT_CHAT_INACTIVITY_SECONDS, MAX_CHAT_INACTIVITY_SECONDS } from '../conversation/events.js';
import { BusinessHours } from '../organization/business-hours.js';
import { DirectoryEditor, TagName } from '../organization/events.js';
import { SearchLanguage } from '../conversation/search.js';
import { SurveyQuestions } from '../organization/survey.js';
import { AllowedOrigins } from './allowed-origin.js';
import { AvatarUrl, DisplayName } from './agent-profile.js';

/** The HTTP endpoints of docs/protocol.md: tokens, and the organization setup API. */

export const CustomerTokenRequest = z
  .object({
    organization_id: Id,
    /**
     * A JWT (HS256) the company's own site signed with the organization's identity secret,
     * vouching for who the visitor is: `sub` is the site's user id; `email` and `name` optional.
     * Without it the customer is anonymous.
     */
    identity: SafeString.min(1).max(4096).optional(),
  })
  .strict();

export const AgentTokenRequest = z.union([
  z.object({ email: z.email().max(320), password: SafeString.min(1).max(1024) }).strict(),
  z.object({ api_key: SafeString.min(1).max(256) }).strict(),
]);

export const TokenResponse = z.object({ token: SafeString, expires_at: Timestamp });

export const CreateOrganizationRequest = z
  .object({ name: SafeString.min(1).max(255), time_zone: SafeString.min(1).max(64).optional() })
  .strict();
/** `identity_secret` (extension) signs customer identities; `default_group_id` takes chats that name no group. */
export const CreateOrganizationResponse = z.object({
  organization_id: Id,
  identity_secret: SafeString,
  default_group_id: Id,
});

/** The longest welcome message: a greeting of a few sentences. */
export const MAX_WELCOME_MESSAGE_LENGTH = 1000;
/** The longest delay before the widget opens by itself: one hour. */
export const MAX_WIDGET_OPEN_DELAY_SECONDS = 3600;

const WelcomeMessage = SafeString.trim()
  .min(1)
  .max(MAX_WELCOME_MESSAGE_LENGTH)
  .describe('Shown at the top of the widget before the visitor writes; null: none.');
const WidgetOpenDelaySeconds = z
  .number()
  .int()
  .min(0)
  .max(MAX_WIDGET_OPEN_DELAY_SECONDS)
  .describe(
    'Extension: the widget opens by itself this many seconds after the page loads (once per page view, not after the visitor closed it); null: never by itself.',
  );

const ChatInactivitySeconds = z
  .number()
  .int()
  .min(1)
  .max(MAX_CHAT_INACTIVITY_SECONDS)
  .describe(
    `An active live chat with no message from either side this long is closed (chat_deactivated, reason inactive); never a chat of the messaging channel. Default ${DEFAULT_CHAT_INACTIVITY_SECONDS}.`,
  );

/**
 * `GET /v1/organizations/:id` (docs/protocol.md v1.1): the organization's settings. `allowed_origins`
 * are the sites whose pages may fetch customer tokens (CORS) and open customer sockets; an
 * empty list allows no browser page at all (apps and servers, which send no `Origin`, are not
 * concerned). `time_zone` is read-only here: the metrics projection fixes it at creation.
 * `welcome_message`, `business_hours` and `widget_open_delay_seconds` are the widget's
 * (`GET /v1/customer/widget-settings` gives them to the pages of the allowed origins).
 */
export const OrganizationSettings = z.object({
  organization_id: Id,
  name: SafeString,
  time_zone: SafeString,
  default_group_id: Id,
  allowed_origins: z.array(SafeString),
  welcome_message: SafeString.nullable(),
  business_hours: BusinessHours.nullable().describe('Null: always open.'),
  widget_open_delay_seconds: z.number().int().nonnegative().nullable(),
  search_language: SearchLanguage.describe(
    "The archive search's text search configuration (search_chats): how words are split and stemmed. A change applies to the messages indexed after it and to every query; the search index's rebuild re-indexes the older ones.",
  ),
  transcript_on_close: z
    .boolean()
    .describe(
      "The customer gets the chat's transcript by email when the chat ends (resolved or closed), if their identity has an email.",
    ),
  chat_inactivity_seconds: ChatInactivitySeconds,
  survey_questions: SurveyQuestions.describe(
    "Extension: the post-chat survey's own questions, asked after CES (answer_survey); empty: CES only",
  ),
  created_at: Timestamp,
});

/**
 * `PATCH /v1/organizations/:id` (docs/protocol.md v1.1): the fields given replace the stored ones
 * (null clears `welcome_message`, `business_hours` and `widget_open_delay_seconds`);
 * `allowed_origins` replaces the whole list (normalized: lowercase, no default port,
 * duplicates dropped), and `survey_questions` the whole survey ([] leaves CES alone). Answers
 * `OrganizationSettings`.
 */
export const UpdateOrganizationRequest = z
  .object({
    name: SafeString.min(1).max(255).optional(),
    allowed_origins: AllowedOrigins.optional(),
    welcome_message: WelcomeMessage.nullable().optional(),
    business_hours: BusinessHours.nullable().optional().describe('Null: always open.'),
    widget_open_delay_seconds: WidgetOpenDelaySeconds.nullable().optional(),
    search_language: SearchLanguage.optional(),
    transcript_on_close: z.boolean().optional(),
    chat_inactivity_seconds: ChatInactivitySeconds.optional(),
    survey_questions: SurveyQuestions.optional().describe(
      'Extension: the post-chat survey\'s own questions, each {id, text, kind}: kind "scale" with min and max (whole numbers 0–10), "text" with max_length?, "choice" with options (2–10); ids are lowercase letters, digits and _, unique, "ces" reserved; at most 10',
    ),
  })
  .strict()
  .refine((request) => Object.values(request).some((value) => value !== undefined), {
    message:
      'nothing to change: give name, allowed_origins, welcome_message, business_hours, widget_open_delay_seconds, search_language, transcript_on_close, chat_inactivity_seconds or survey_questions',
  });

/**
 * `GET /v1/customer/widget-settings?organization_id=` (extension): what the widget needs before
 * the visitor writes, for the pages of the organization's allowed origins (CORS) and for clients
 * that send no `Origin`. Nothing in it is secret: it is shown on the company's pages anyway.
 */
export const WidgetSettings = z.object({
  organization_id: Id,
  welcome_message: SafeString.nullable(),
  business_hours: BusinessHours.nullable().describe('Null: always open.'),
  widget_open_delay_seconds: z.number().int().nonnegative().nullable(),
});

/** An agent's chat limit: at most this many live chats at once (routing's capacity). */
const MaxChats = z.number().int().min(1).max(100);

export const CreateAgentRequest = z
  .object({
    email: z.email().max(320),
    name: SafeString.min(1).max(255),
    password: SafeString.min(8).max(1024),
    role: AgentRole,
    kind: AgentKind.optional(),
    max_chats: MaxChats.optional(),
    groups: z.array(Id).max(100).optional(),
  })
  .strict();
/** `api_key` (extension) is shown once; the agent (a bot, typically) logs in with it. */
export const CreateAgentResponse = z.object({ agent_id: Id, api_key: SafeString });

/**
 * `GET /v1/organizations/:id/agents/:agent_id` (docs/protocol.md v1.1), and each agent of the
 * list: the agent's public fields, never its password hash or API key. `max_chats` null: the
 * routing service's default; `groups`: the ids of the groups it takes chats of.
 */
export const AgentRecord = z.object({
  agent_id: Id,
  email: SafeString,
  name: SafeString,
  display_name: SafeString.nullable(),
  avatar_url: SafeString.nullable(),
  role: AgentRole,
  kind: AgentKind,
  max_chats: z.number().int().positive().nullable(),
  groups: z.array(Id),
  disabled: z.boolean(),
  daily_summary: z.boolean(),
  created_at: Timestamp,
});
/** `GET /v1/organizations/:id/agents`: every agent of the organization, disabled ones too, oldest first. */
export const AgentListResponse = z.object({ agents: z.array(AgentRecord) });

/**
 * `PATCH /v1/organizations/:id/agents/:agent_id` (docs/protocol.md v1.1): the fields given replace
 * the stored ones; null clears `display_name` (customers then see `name`), `avatar_url` and
 * `max_chats` (routing's default); `groups` replaces the whole list. `daily_summary` (an
 * extension) an agent may also set for itself; the rest is for admins. Every change takes
 * effect at once: disabling refuses the agent's tokens everywhere and closes its sockets, a new
 * role reaches the gateways' checks, and a new limit or groups reach routing. Answers `AgentRecord`.
 */
export const UpdateAgentRequest = z
  .object({
    name: SafeString.trim().min(1).max(255).optional(),
    display_name: DisplayName.nullable().optional(),
    avatar_url: AvatarUrl.nullable().optional(),
    role: AgentRole.optional(),
    max_chats: MaxChats.nullable().optional(),
    groups: z.array(Id).max(100).optional(),
    disabled: z.boolean().optional(),
    daily_summary: z
      .boolean()
      .optional()
      .describe(
        "Extension: true: the agent gets the daily summary of their scope by email at 08:00 in the organization's time zone",
      ),
  })
  .strict()
  .refine((request) => Object.values(request).some((value) => value !== undefined), {
    message:
      'nothing to change: give name, display_name, avatar_url, role, max_chats, groups, disabled or daily_summary',
  });
export const UpdateAgentResponse = AgentRecord;

const GroupName = SafeString.trim().min(1).max(255);
export const CreateGroupRequest = z
  .object({ name: SafeString.min(1).max(255), routing: z.enum(['auto', 'manual']).optional() })
  .strict();
export const CreateGroupResponse = z.object({ group_id: Id });

/**
 * `GET /v1/organizations/:id/groups/:group_id` and each group of the list (docs/protocol.md
 * v1.1). `default`: the group that takes the chats that name none; it cannot be deleted.
 */
export const GroupRecord = z.object({
  group_id: Id,
  name: SafeString,
  routing: z.enum(['auto', 'manual']),
  default: z.boolean(),
  created_at: Timestamp,
});
/** `GET /v1/organizations/:id/groups`: the organization's groups, oldest first. */
export const GroupListResponse = z.object({ groups: z.array(GroupRecord) });
/**
 * `PATCH /v1/organizations/:id/groups/:group_id`: a new name (unique in the organization: 409
 * otherwise). The routing mode is chosen when the group is created.
 */
export const UpdateGroupRequest = z.object({ name: GroupName }).strict();

/** `POST /v1/organizations/:id/canned_responses` (extension): shared, or personal to one agent. */
const Shortcut = SafeString.regex(
  /^#?[a-z0-9][a-z0-9_-]{0,63}$/i,
  'a shortcut is letters, digits, - and _ (a leading # is optional)',
);
const CannedText = SafeString.min(1).max(4096);
export const CreateCannedResponseRequest = z
  .object({ shortcut: Shortcut, text: CannedText, agent_id: Id.optional() })
  .strict();
export const CreateCannedResponseResponse = z.object({ canned_response_id: Id });
/**
 * A canned response as the admin API shows it (`GET …/canned_responses[/:id]`): `shortcut` with
 * its `#`, `agent_id` null for a shared one, else the agent it is personal to.
 */
export const CannedResponseRecord = z.object({
  canned_response_id: Id,
  shortcut: SafeString,
  text: SafeString,
  agent_id: Id.nullable(),
  created_at: Timestamp,
});
/** `GET /v1/organizations/:id/canned_responses`: shared ones and every agent's own, by shortcut. */
export const CannedResponseListResponse = z.object({ canned_responses: z.array(CannedResponseRecord) });
/** `PATCH /v1/organizations/:id/canned_responses/:id`: a new shortcut or text (a taken shortcut: 409). */
export const UpdateCannedResponseRequest = z
  .object({ shortcut: Shortcut.optional(), text: CannedText.optional() })
  .strict()
  .refine((request) => request.shortcut !== undefined || request.text !== undefined, {
    message: 'nothing to change: give shortcut or text',
  });

/** The most entries one page of the audit log holds, and the default. */
export const MAX_AUDIT_PAGE = 200;
export const DEFAULT_AUDIT_PAGE = 50;
/**
 * `GET /v1/organizations/:id/audit?limit=&before=` (docs/protocol.md v1.1): the organization's
 * stream, newest first. `before` is the `next_cursor` of the previous page.
 */
export const AuditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).optional(),
    before: z
      .string()
      .regex(/^[1-9][0-9]{0,15}$/, 'before is the next_cursor of a previous page')
      .optional(),
  })
  .strict();
/**
 * One change of the organization's directory: `position` its place in the organization's stream
 * (1 first), `type` the event (`AgentSaved`, `GroupDeleted`, …), `data` the event as stored,
 * `by` who made it (null: not recorded, the events of before the audit log).
 */
export const AuditEntry = z.object({
  event_id: Id,
  position: z.number().int().positive(),
  type: SafeString,
  data: z.record(z.string(), z.unknown()),
  by: DirectoryEditor.nullable(),
  occurred_at: Timestamp,
});
/** A page of the audit log; `next_cursor` null: no older entries. */
export const AuditResponse = z.object({ entries: z.array(AuditEntry), next_cursor: SafeString.nullable() });

/**
 * `POST /v1/organizations/:id/tags` {name} and `DELETE /v1/organizations/:id/tags/:name` (or
 * `DELETE …/tags` with {name}): the organization's tag list, the only tags `tag_chat` accepts.
 * A name already on the list answers 409 `tag_exists`; deleting one that is not, 404 `tag_not_found`.
 */
export const TagRequest = z.object({ name: TagName }).strict();
export const TagRecord = z.object({ name: SafeString, created_at: Timestamp });
/** `GET /v1/organizations/:id/tags`: the list, in the order the tags were added. */
export const TagListResponse = z.object({ tags: z.array(TagRecord) });

/** Error body of every HTTP endpoint. */
export const HttpErrorBody = z.object({
  error: z.object({
    code: SafeString,
    message: SafeString,
    reason: SafeString.optional(),
    /** With \`rate_limited\` (429), beside the \`Retry-After\` header. */
    retry_after_ms: z.number().int().nonnegative().optional(),
  }),
});
