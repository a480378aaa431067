import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import type { z } from 'zod';
import { TagName, TagRequest, type TagListResponse, type TagRecord } from '@livedesk/contracts';
import { parseBody, parseOrRefuse } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import { IdentityError } from '../identity-errors.js';
import { SetupAccess, type SetupCaller } from '../setup-access.js';
import { TagList } from './tag-list.js';
import type { TagListEditor } from './tag-list-decider.js';

/**
 * `GET|POST|DELETE /v1/organizations/:id/tags` (docs/protocol.md v1.1): the organization's tag
 * list, for the installation admin or an admin of that organization (another organization's id
 * answers 404 to an organization admin, as an unknown one does). A tag is deleted with
 * `DELETE …/tags/:name` (the name URL-encoded) or `DELETE …/tags` with {name}.
 */
@Controller('v1/organizations')
export class TagsController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
    @Inject(TagList) private readonly tags: TagList,
  ) {}

  @Get(':id/tags')
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
  ): Promise<z.infer<typeof TagListResponse>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    if (!(await this.directory.getOrganization(organizationId))) throw unknownOrganization(organizationId);
    return { tags: (await this.tags.list(organizationId)).map(recordOf) };
  }

  @Post(':id/tags')
  @HttpCode(HttpStatus.CREATED)
  async add(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof TagRecord>> {
    const caller = await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const { name } = parseBody(TagRequest, body);
    return recordOf(await this.tags.add(organizationId, name, editorOf(caller)));
  }

  @Delete(':id/tags')
  @HttpCode(HttpStatus.NO_CONTENT)
  async removeNamedInBody(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Body() body: unknown,
  ): Promise<void> {
    const caller = await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const { name } = parseBody(TagRequest, body);
    await this.tags.remove(organizationId, name, editorOf(caller));
  }

  @Delete(':id/tags/:name')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('name') name: string,
  ): Promise<void> {
    const caller = await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    await this.tags.remove(organizationId, parseOrRefuse(TagName, name, 'name'), editorOf(caller));
  }
}

function editorOf(caller: SetupCaller): TagListEditor {
  return caller.kind === 'installation_admin'
    ? { kind: 'installation_admin' }
    : { kind: 'agent', agent_id: caller.agentId };
}

function recordOf(tag: { name: string; createdAt: Date }): z.infer<typeof TagRecord> {
  return { name: tag.name, created_at: tag.createdAt.toISOString() };
}

function unknownOrganization(organizationId: string): IdentityError {
  return new IdentityError('not_found', `no organization "${organizationId}"`);
}
