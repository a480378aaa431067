import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { controllerRoutes, openApiRoute, unresolvedRefs } from '@livedesk/service-kit';
import { AgentsAdminController } from '../agents/agents-admin.controller.js';
import { OrganizationSettingsController } from '../organizations/organization-settings.controller.js';
import { WidgetSettingsController } from '../organizations/widget-settings.controller.js';
import { OrganizationsController } from '../organizations.controller.js';
import { TagsController } from '../tags/tags.controller.js';
import { TokenController } from '../token.controller.js';
import { AgentsQueryController } from '../agents/agents-query.controller.js';
import { GroupsAdminController } from '../groups/groups-admin.controller.js';
import { CannedResponsesAdminController } from '../canned-responses/canned-responses-admin.controller.js';
import { AuditController } from '../audit/audit.controller.js';
import { identityOpenApiDocument } from './identity-api.js';

/** Every HTTP controller of the identity service (the NATS ones have no routes). */
const HTTP_CONTROLLERS = [
  OrganizationsController,
  OrganizationSettingsController,
  AgentsAdminController,
  AgentsQueryController,
  GroupsAdminController,
  CannedResponsesAdminController,
  AuditController,
  TagsController,
  TokenController,
  WidgetSettingsController,
];

const COMMITTED = fileURLToPath(new URL('../../../../docs/openapi/identity.json', import.meta.url));

type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, any>;
  security?: unknown[];
};
const document = identityOpenApiDocument() as {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, any> };
};

describe('the identity OpenAPI document', () => {
  it('is the committed docs/openapi/identity.json (run `pnpm openapi` after changing the API)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(`${JSON.stringify(document, null, 2)}\n`);
  });

  it('lists every endpoint of the identity service, each with its own operationId', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => `${operation.operationId} ${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'createOrganization POST /v1/organizations',
        'getOrganization GET /v1/organizations/{organization_id}',
        'updateOrganization PATCH /v1/organizations/{organization_id}',
        'createAgent POST /v1/organizations/{organization_id}/agents',
        'listAgents GET /v1/organizations/{organization_id}/agents',
        'getAgent GET /v1/organizations/{organization_id}/agents/{agent_id}',
        'updateAgent PATCH /v1/organizations/{organization_id}/agents/{agent_id}',
        'createGroup POST /v1/organizations/{organization_id}/groups',
        'listGroups GET /v1/organizations/{organization_id}/groups',
        'getGroup GET /v1/organizations/{organization_id}/groups/{group_id}',
        'updateGroup PATCH /v1/organizations/{organization_id}/groups/{group_id}',
        'deleteGroup DELETE /v1/organizations/{organization_id}/groups/{group_id}',
        'createCannedResponse POST /v1/organizations/{organization_id}/canned_responses',
        'listCannedResponses GET /v1/organizations/{organization_id}/canned_responses',
        'getCannedResponse GET /v1/organizations/{organization_id}/canned_responses/{canned_response_id}',
        'updateCannedResponse PATCH /v1/organizations/{organization_id}/canned_responses/{canned_response_id}',
        'deleteCannedResponse DELETE /v1/organizations/{organization_id}/canned_responses/{canned_response_id}',
        'getAudit GET /v1/organizations/{organization_id}/audit',
        'createCustomerToken POST /v1/customer/token',
        'createAgentToken POST /v1/agent/token',
        'getWidgetSettings GET /v1/customer/widget-settings',
        'listTags GET /v1/organizations/{organization_id}/tags',
        'addTag POST /v1/organizations/{organization_id}/tags',
        'removeTagNamedInBody DELETE /v1/organizations/{organization_id}/tags',
        'removeTag DELETE /v1/organizations/{organization_id}/tags/{name}',
      ].sort(),
    );
    expect(document.servers.map((server) => server.url)).toEqual(['http://localhost:8080', 'http://localhost:8085']);
  });

  it('documents every route of the HTTP controllers, and nothing else', () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => openApiRoute(method, path)),
    );
    const routes = controllerRoutes(HTTP_CONTROLLERS);
    expect(routes.length).toBeGreaterThanOrEqual(25);
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('names the request and response schemas, from the contracts the controllers parse with', () => {
    const createAgent = document.paths['/v1/organizations/{organization_id}/agents']!.post!;
    expect(createAgent.requestBody!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/CreateAgentRequest',
    });
    expect(createAgent.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreateAgentResponse',
    });
    const request = document.components.schemas.CreateAgentRequest;
    expect(request.required).toEqual(expect.arrayContaining(['email', 'name', 'password', 'role']));
    expect(request.additionalProperties).toBe(false);
    expect(document.components.schemas.AgentTokenRequest.anyOf).toHaveLength(2);
    // The token endpoints need no token; the setup API does.
    expect(document.paths['/v1/agent/token']!.post!.security).toEqual([]);
    expect(createAgent.security).toBeUndefined();
    expect(createAgent.responses['401']).toBeDefined();
  });

  it('resolves every $ref', () => {
    expect(unresolvedRefs(document)).toEqual([]);
  });
});
