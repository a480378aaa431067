import {
  AgentListResponse,
  AgentRecord,
  AuditQuery,
  AuditResponse,
  CannedResponseListResponse,
  CannedResponseRecord,
  GroupListResponse,
  GroupRecord,
  UpdateCannedResponseRequest,
  UpdateGroupRequest,
  AgentTokenRequest,
  CreateAgentRequest,
  CreateAgentResponse,
  CreateCannedResponseRequest,
  CreateCannedResponseResponse,
  CreateGroupRequest,
  CreateGroupResponse,
  CreateOrganizationRequest,
  CreateOrganizationResponse,
  CustomerTokenRequest,
  OrganizationSettings,
  TagListResponse,
  TagRecord,
  TagRequest,
  TokenResponse,
  UpdateAgentRequest,
  UpdateAgentResponse,
  UpdateOrganizationRequest,
  WidgetSettings,
} from '@livedesk/contracts';
import { buildOpenApiDocument, type ApiOperation } from '@livedesk/service-kit';
import { WidgetSettingsQuery } from '../organizations/widget-settings.controller.js';

const ORG = '/v1/organizations/{organization_id}';
const THROTTLED = {
  description:
    'rate_limited: too many requests from this address (or for this account); Retry-After says when to try again',
};

/**
 * Every operation of the identity service's HTTP API (docs/protocol.md, "Setting up an
 * organization" and the tokens), with the contracts' zod schemas its controllers parse with.
 * The gateway forwards these URLs to the identity service, so clients reach them on either.
 */
export const identityApiOperations: ApiOperation[] = [
  {
    operationId: 'createOrganization',
    method: 'post',
    path: '/v1/organizations',
    summary: 'Creates an organization with its default group (installation admin).',
    tags: ['Organizations'],
    body: CreateOrganizationRequest,
    responses: {
      201: {
        description: 'The organization, its identity secret (shown once) and its default group',
        schema: CreateOrganizationResponse,
      },
    },
  },
  {
    operationId: 'getOrganization',
    method: 'get',
    path: ORG,
    summary: "The organization's settings (the installation admin, or an admin of the organization).",
    tags: ['Organizations'],
    responses: { 200: { description: 'The settings', schema: OrganizationSettings } },
  },
  {
    operationId: 'updateOrganization',
    method: 'patch',
    path: ORG,
    summary:
      'Changes the name, allowed origins, welcome message, business hours or widget open delay; the fields given replace the stored ones.',
    tags: ['Organizations'],
    body: UpdateOrganizationRequest,
    responses: { 200: { description: 'The settings after the change', schema: OrganizationSettings } },
  },
  {
    operationId: 'createAgent',
    method: 'post',
    path: `${ORG}/agents`,
    summary: 'Creates an agent (human or bot) with a password, a role and groups (organization admins).',
    tags: ['Agents'],
    body: CreateAgentRequest,
    responses: {
      201: { description: 'The agent and its API key (shown once)', schema: CreateAgentResponse },
      409: { description: 'conflict: an agent with this email exists' },
    },
  },
  {
    operationId: 'listAgents',
    method: 'get',
    path: `${ORG}/agents`,
    summary:
      "The organization's agents, disabled ones too, oldest first; never a password hash or API key (organization admins).",
    tags: ['Agents'],
    responses: { 200: { description: 'The agents', schema: AgentListResponse } },
  },
  {
    operationId: 'getAgent',
    method: 'get',
    path: `${ORG}/agents/{agent_id}`,
    summary: "One agent of the organization (organization admins); another organization's agent answers 404.",
    tags: ['Agents'],
    responses: { 200: { description: 'The agent', schema: AgentRecord } },
  },
  {
    operationId: 'updateAgent',
    method: 'patch',
    path: `${ORG}/agents/{agent_id}`,
    summary:
      "Changes an agent's name, display name, avatar, role, chat limit, groups or disabled flag, each at once: disabling refuses its tokens and closes its sockets, a role reaches the gateways' checks, a limit or groups what routing assigns.",
    tags: ['Agents'],
    body: UpdateAgentRequest,
    responses: {
      200: { description: 'The agent after the change', schema: UpdateAgentResponse },
      409: {
        description:
          'conflict: an admin cannot disable themselves (cannot_disable_self) or give up their own admin role (cannot_demote_self)',
      },
    },
  },
  {
    operationId: 'listTags',
    method: 'get',
    path: `${ORG}/tags`,
    summary: "The organization's tag list, the only tags tag_chat accepts (organization admins).",
    tags: ['Tags'],
    responses: { 200: { description: 'The tags, oldest first', schema: TagListResponse } },
  },
  {
    operationId: 'addTag',
    method: 'post',
    path: `${ORG}/tags`,
    summary:
      "Adds a tag to the list (1 to 64 characters, trimmed, compared exactly); an event of the organization's stream.",
    tags: ['Tags'],
    body: TagRequest,
    responses: {
      201: { description: 'The tag', schema: TagRecord },
      409: { description: 'conflict: the tag is listed already (tag_exists)' },
    },
  },
  {
    operationId: 'removeTagNamedInBody',
    method: 'delete',
    path: `${ORG}/tags`,
    summary: 'Deletes the tag named in the body from the list; chats keep it and may still be untagged.',
    tags: ['Tags'],
    body: TagRequest,
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'not_found: no such tag on the list (tag_not_found)' },
    },
  },
  {
    operationId: 'removeTag',
    method: 'delete',
    path: `${ORG}/tags/{name}`,
    summary: 'Deletes a tag (its name URL-encoded in the path) from the list; chats keep it and may still be untagged.',
    tags: ['Tags'],
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'not_found: no such tag on the list (tag_not_found)' },
    },
  },
  {
    operationId: 'createGroup',
    method: 'post',
    path: `${ORG}/groups`,
    summary: 'Creates a group of agents, routed automatically or picked by hand (organization admins).',
    tags: ['Groups'],
    body: CreateGroupRequest,
    responses: {
      201: { description: 'The group', schema: CreateGroupResponse },
      409: { description: 'conflict: the organization has a group of this name' },
    },
  },
  {
    operationId: 'listGroups',
    method: 'get',
    path: `${ORG}/groups`,
    summary: "The organization's groups, oldest first, the default one marked (organization admins).",
    tags: ['Groups'],
    responses: { 200: { description: 'The groups', schema: GroupListResponse } },
  },
  {
    operationId: 'getGroup',
    method: 'get',
    path: `${ORG}/groups/{group_id}`,
    summary: 'One group of the organization (organization admins).',
    tags: ['Groups'],
    responses: { 200: { description: 'The group', schema: GroupRecord } },
  },
  {
    operationId: 'updateGroup',
    method: 'patch',
    path: `${ORG}/groups/{group_id}`,
    summary: 'Renames a group (organization admins).',
    tags: ['Groups'],
    body: UpdateGroupRequest,
    responses: {
      200: { description: 'The group after the change', schema: GroupRecord },
      409: { description: 'conflict: the organization has a group of this name' },
    },
  },
  {
    operationId: 'deleteGroup',
    method: 'delete',
    path: `${ORG}/groups/{group_id}`,
    summary:
      'Deletes a group no agent is a member of any more (organization admins); past chats and tickets keep its id.',
    tags: ['Groups'],
    responses: {
      204: { description: 'Deleted' },
      409: {
        description:
          "conflict: the organization's default group (default_group), or agents are still members (group_has_agents)",
      },
    },
  },
  {
    operationId: 'createCannedResponse',
    method: 'post',
    path: `${ORG}/canned_responses`,
    summary: 'Creates a canned response, shared or personal to one agent (organization admins).',
    tags: ['Canned responses'],
    body: CreateCannedResponseRequest,
    responses: {
      201: { description: 'The canned response', schema: CreateCannedResponseResponse },
      409: { description: 'conflict: the shortcut is taken' },
    },
  },
  {
    operationId: 'listCannedResponses',
    method: 'get',
    path: `${ORG}/canned_responses`,
    summary: "The organization's canned responses, shared and personal, by shortcut (organization admins).",
    tags: ['Canned responses'],
    responses: { 200: { description: 'The canned responses', schema: CannedResponseListResponse } },
  },
  {
    operationId: 'getCannedResponse',
    method: 'get',
    path: `${ORG}/canned_responses/{canned_response_id}`,
    summary: 'One canned response (organization admins).',
    tags: ['Canned responses'],
    responses: { 200: { description: 'The canned response', schema: CannedResponseRecord } },
  },
  {
    operationId: 'updateCannedResponse',
    method: 'patch',
    path: `${ORG}/canned_responses/{canned_response_id}`,
    summary: "Changes a canned response's shortcut or text (organization admins).",
    tags: ['Canned responses'],
    body: UpdateCannedResponseRequest,
    responses: {
      200: { description: 'The canned response after the change', schema: CannedResponseRecord },
      409: { description: 'conflict: the shortcut is taken' },
    },
  },
  {
    operationId: 'deleteCannedResponse',
    method: 'delete',
    path: `${ORG}/canned_responses/{canned_response_id}`,
    summary: 'Deletes a canned response (organization admins).',
    tags: ['Canned responses'],
    responses: { 204: { description: 'Deleted' } },
  },
  {
    operationId: 'getAudit',
    method: 'get',
    path: `${ORG}/audit`,
    summary:
      "Every change of the organization's directory (the events of its stream: who, what, when), newest first, a page at a time (organization admins).",
    tags: ['Audit'],
    query: AuditQuery,
    responses: { 200: { description: 'A page of the audit log', schema: AuditResponse } },
  },
  {
    operationId: 'createCustomerToken',
    method: 'post',
    path: '/v1/customer/token',
    summary:
      "A customer token for the organization: anonymous, or for the visitor the site's signed identity names. A browser page must be on one of the organization's allowed origins.",
    tags: ['Tokens'],
    authenticated: false,
    body: CustomerTokenRequest,
    responses: { 200: { description: 'The token and when it expires', schema: TokenResponse }, 429: THROTTLED },
  },
  {
    operationId: 'createAgentToken',
    method: 'post',
    path: '/v1/agent/token',
    summary: "An agent token, by email and password or by the agent's API key.",
    tags: ['Tokens'],
    authenticated: false,
    body: AgentTokenRequest,
    responses: { 200: { description: 'The token and when it expires', schema: TokenResponse }, 429: THROTTLED },
  },
  {
    operationId: 'getWidgetSettings',
    method: 'get',
    path: '/v1/customer/widget-settings',
    summary:
      "The greeting, business hours and auto-open delay the widget reads when a page loads (no token; a browser page must be on one of the organization's allowed origins).",
    tags: ['Widget'],
    authenticated: false,
    query: WidgetSettingsQuery,
    responses: { 200: { description: 'The widget settings', schema: WidgetSettings }, 429: THROTTLED },
  },
];

/** The identity service's OpenAPI document (docs/openapi/identity.json, `GET /openapi.json`). */
export function identityOpenApiDocument(): Record<string, unknown> {
  return buildOpenApiDocument(
    {
      title: 'livedesk identity',
      version: '1',
      description:
        "Organizations, agents, groups, canned responses, the audit log, tokens and the widget's settings (docs/protocol.md). Clients call these URLs on the gateway, which forwards them to the identity service. Authorization: `Bearer <token>`: the installation admin token, or an organization admin's agent token. Errors answer `{error: {code, message, reason?}}`.",
    },
    identityApiOperations,
    {
      servers: [
        { url: 'http://localhost:8080', description: 'the gateway (forwards these URLs)' },
        { url: 'http://localhost:8085', description: 'the identity service' },
      ],
      schemas: {
        CreateOrganizationRequest,
        CreateOrganizationResponse,
        OrganizationSettings,
        UpdateOrganizationRequest,
        CreateAgentRequest,
        CreateAgentResponse,
        AgentRecord,
        AgentListResponse,
        UpdateAgentRequest,
        CreateGroupRequest,
        CreateGroupResponse,
        GroupRecord,
        GroupListResponse,
        UpdateGroupRequest,
        CreateCannedResponseRequest,
        CreateCannedResponseResponse,
        CannedResponseRecord,
        CannedResponseListResponse,
        UpdateCannedResponseRequest,
        AuditResponse,
        CustomerTokenRequest,
        AgentTokenRequest,
        TokenResponse,
        WidgetSettings,
      },
    },
  );
}
