import { z } from 'zod';
import { AgentKind, AgentRole } from '../actor.js';
import { Id, SafeString, Timestamp } from '../common.js';
import { AllowedOrigins } from './allowed-origin.js';

/** The HTTP endpoints of protocol.md: tokens, and the organization setup API. */

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
export const CreateOrganizationResponse = z.object({ organization_id: Id, identity_secret: SafeString, default_group_id: Id });

/**
 * `GET /v1/organizations/:id` (protocol.md v1.1): the organization's settings. `allowed_origins`
 * are the sites whose pages may fetch customer tokens (CORS) and open customer sockets; an
 * empty list allows no browser page at all (apps and servers, which send no `Origin`, are not
 * concerned). `time_zone` is read-only here: the metrics projection fixes it at creation.
 */
export const OrganizationSettings = z.object({
  organization_id: Id,
  name: SafeString,
  time_zone: SafeString,
  default_group_id: Id,
  allowed_origins: z.array(SafeString),
  created_at: Timestamp,
});

/**
 * `PATCH /v1/organizations/:id` (protocol.md v1.1): the fields given replace the stored ones;
 * `allowed_origins` replaces the whole list (normalized: lowercase, no default port,
 * duplicates dropped). Answers `OrganizationSettings`.
 */
export const UpdateOrganizationRequest = z
  .object({ name: SafeString.min(1).max(255).optional(), allowed_origins: AllowedOrigins.optional() })
  .strict()
  .refine((request) => request.name !== undefined || request.allowed_origins !== undefined, {
    message: 'nothing to change: give name or allowed_origins',
  });

export const CreateAgentRequest = z
  .object({
    email: z.email().max(320),
    name: SafeString.min(1).max(255),
    password: SafeString.min(8).max(1024),
    role: AgentRole,
    kind: AgentKind.optional(),
    max_chats: z.number().int().min(1).max(100).optional(),
    groups: z.array(Id).max(100).optional(),
  })
  .strict();
/** `api_key` (extension) is shown once; the agent (a bot, typically) logs in with it. */
export const CreateAgentResponse = z.object({ agent_id: Id, api_key: SafeString });

/**
 * `PATCH /v1/organizations/:id/agents/:agent_id` (protocol.md v1.1; only \`disabled\` so far):
 * disabling an agent refuses its tokens everywhere and closes its sockets at once.
 */
export const UpdateAgentRequest = z.object({ disabled: z.boolean() }).strict();
export const UpdateAgentResponse = z.object({ agent_id: Id, disabled: z.boolean() });

export const CreateGroupRequest = z
  .object({ name: SafeString.min(1).max(255), routing: z.enum(['auto', 'manual']).optional() })
  .strict();
export const CreateGroupResponse = z.object({ group_id: Id });

/** `POST /v1/organizations/:id/canned_responses` (extension): shared, or personal to one agent. */
export const CreateCannedResponseRequest = z
  .object({
    shortcut: SafeString.regex(/^#?[a-z0-9][a-z0-9_-]{0,63}$/i, 'a shortcut is letters, digits, - and _ (a leading # is optional)'),
    text: SafeString.min(1).max(4096),
    agent_id: Id.optional(),
  })
  .strict();
export const CreateCannedResponseResponse = z.object({ canned_response_id: Id });

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
