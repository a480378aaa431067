import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Inject, Param, Patch } from '@nestjs/common';
import type { z } from 'zod';
import {
  UpdateCannedResponseRequest,
  type CannedResponseListResponse,
  type CannedResponseRecord,
} from '@livedesk/contracts';
import { parseBody } from '@livedesk/service-kit';
import { CannedResponses, type StoredCannedResponse } from '../canned-responses.js';
import { Directory } from '../directory.js';
import { IdentityError } from '../identity-errors.js';
import { editorOf, SetupAccess } from '../setup-access.js';

/**
 * `GET /v1/organizations/:id/canned_responses`, `GET|PATCH|DELETE …/canned_responses/:canned_response_id`
 * (docs/protocol.md v1.1), for the installation admin or an admin of the organization (another
 * organization's ids answer 404, as unknown ones do). Agents read theirs with `list_canned_responses`.
 */
@Controller('v1/organizations')
export class CannedResponsesAdminController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
    @Inject(CannedResponses) private readonly cannedResponses: CannedResponses,
  ) {}

  @Get(':id/canned_responses')
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
  ): Promise<z.infer<typeof CannedResponseListResponse>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    if (!(await this.directory.getOrganization(organizationId)))
      throw new IdentityError('not_found', `no organization "${organizationId}"`);
    return { canned_responses: (await this.cannedResponses.list(organizationId)).map(recordOf) };
  }

  @Get(':id/canned_responses/:cannedResponseId')
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('cannedResponseId') id: string,
  ): Promise<z.infer<typeof CannedResponseRecord>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const found = await this.cannedResponses.get(organizationId, id);
    if (!found) throw unknownCannedResponse(id);
    return recordOf(found);
  }

  @Patch(':id/canned_responses/:cannedResponseId')
  async update(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('cannedResponseId') id: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof CannedResponseRecord>> {
    const caller = await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const request = parseBody(UpdateCannedResponseRequest, body);
    const updated = await this.cannedResponses.update(
      organizationId,
      id,
      { shortcut: request.shortcut, text: request.text },
      editorOf(caller),
    );
    if (!updated) throw unknownCannedResponse(id);
    return recordOf(updated);
  }

  @Delete(':id/canned_responses/:cannedResponseId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('cannedResponseId') id: string,
  ): Promise<void> {
    const caller = await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    if (!(await this.cannedResponses.delete(organizationId, id, editorOf(caller)))) throw unknownCannedResponse(id);
  }
}

function recordOf(found: StoredCannedResponse): z.infer<typeof CannedResponseRecord> {
  return {
    canned_response_id: found.id,
    shortcut: found.shortcut,
    text: found.text,
    agent_id: found.agentId,
    created_at: found.createdAt.toISOString(),
  };
}

function unknownCannedResponse(id: string): IdentityError {
  return new IdentityError('not_found', `no canned response "${id}" in this organization`);
}
