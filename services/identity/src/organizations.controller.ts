import { Body, Controller, Headers, Inject, Param, Post } from '@nestjs/common';
import type { z } from 'zod';
import {
  CreateAgentRequest,
  CreateCannedResponseRequest,
  CreateGroupRequest,
  CreateOrganizationRequest,
  type CreateAgentResponse,
  type CreateCannedResponseResponse,
  type CreateGroupResponse,
  type CreateOrganizationResponse,
} from '@livedesk/contracts';
import { CannedResponses } from './canned-responses.js';
import { Directory } from './directory.js';
import { parseBody } from '@livedesk/service-kit';
import { editorOf, SetupAccess } from './setup-access.js';

/**
 * The setup API (docs/protocol.md, "Setting up an organization"): the caller is checked first, then
 * the body, so that a caller without access learns nothing from validation messages.
 */
@Controller('v1/organizations')
export class OrganizationsController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
    @Inject(CannedResponses) private readonly cannedResponses: CannedResponses,
  ) {}

  @Post()
  async createOrganization(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<z.infer<typeof CreateOrganizationResponse>> {
    await this.access.requireInstallationAdmin(authorization);
    const request = parseBody(CreateOrganizationRequest, body);
    const created = await this.directory.createOrganization({ name: request.name, timeZone: request.time_zone });
    return {
      organization_id: created.organizationId,
      identity_secret: created.identitySecret,
      default_group_id: created.defaultGroupId,
    };
  }

  @Post(':id/agents')
  async createAgent(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof CreateAgentResponse>> {
    const caller = await this.access.requireOrganizationAdmin(authorization, organizationId);
    const request = parseBody(CreateAgentRequest, body);
    const created = await this.directory.createAgent(
      organizationId,
      {
        email: request.email,
        name: request.name,
        password: request.password,
        role: request.role,
        kind: request.kind,
        maxChats: request.max_chats,
        groupIds: request.groups,
      },
      editorOf(caller),
    );
    return { agent_id: created.agentId, api_key: created.apiKey };
  }

  @Post(':id/groups')
  async createGroup(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof CreateGroupResponse>> {
    const caller = await this.access.requireOrganizationAdmin(authorization, organizationId);
    const request = parseBody(CreateGroupRequest, body);
    const created = await this.directory.createGroup(
      organizationId,
      { name: request.name, routing: request.routing },
      editorOf(caller),
    );
    return { group_id: created.groupId };
  }

  @Post(':id/canned_responses')
  async createCannedResponse(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof CreateCannedResponseResponse>> {
    const caller = await this.access.requireOrganizationAdmin(authorization, organizationId);
    const request = parseBody(CreateCannedResponseRequest, body);
    const id = await this.cannedResponses.create(
      organizationId,
      { shortcut: request.shortcut, text: request.text, agentId: request.agent_id },
      editorOf(caller),
    );
    return { canned_response_id: id };
  }
}
