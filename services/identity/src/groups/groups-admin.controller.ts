import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Inject, Param, Patch } from '@nestjs/common';
import type { z } from 'zod';
import { UpdateGroupRequest, type GroupListResponse, type GroupRecord } from '@livedesk/contracts';
import { parseBody } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import type { Group } from '../directory-records.js';
import { IdentityError } from '../identity-errors.js';
import { editorOf, SetupAccess } from '../setup-access.js';

/**
 * `GET /v1/organizations/:id/groups`, `GET|PATCH|DELETE …/groups/:group_id` (docs/protocol.md
 * v1.1), for the installation admin or an admin of the organization (another organization's ids
 * answer 404, as unknown ones do). A group is deleted only when no agent is a member any more,
 * and never the default one (409, Directory.deleteGroup).
 */
@Controller('v1/organizations')
export class GroupsAdminController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
  ) {}

  @Get(':id/groups')
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
  ): Promise<z.infer<typeof GroupListResponse>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const organization = await this.directory.getOrganization(organizationId);
    if (!organization) throw new IdentityError('not_found', `no organization "${organizationId}"`);
    const groups = await this.directory.listGroups(organizationId);
    return { groups: groups.map((group) => recordOf(group, organization.defaultGroupId)) };
  }

  @Get(':id/groups/:groupId')
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('groupId') groupId: string,
  ): Promise<z.infer<typeof GroupRecord>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const group = await this.directory.getGroup(organizationId, groupId);
    if (!group) throw unknownGroup(groupId);
    return recordOf(group, await this.defaultGroupOf(organizationId));
  }

  @Patch(':id/groups/:groupId')
  async update(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('groupId') groupId: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof GroupRecord>> {
    const caller = await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const request = parseBody(UpdateGroupRequest, body);
    const group = await this.directory.renameGroup(organizationId, groupId, request.name, editorOf(caller));
    if (!group) throw unknownGroup(groupId);
    return recordOf(group, await this.defaultGroupOf(organizationId));
  }

  @Delete(':id/groups/:groupId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('groupId') groupId: string,
  ): Promise<void> {
    const caller = await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    if (!(await this.directory.deleteGroup(organizationId, groupId, editorOf(caller)))) throw unknownGroup(groupId);
  }

  private async defaultGroupOf(organizationId: string): Promise<string | undefined> {
    return (await this.directory.getOrganization(organizationId))?.defaultGroupId;
  }
}

function recordOf(group: Group, defaultGroupId: string | undefined): z.infer<typeof GroupRecord> {
  return {
    group_id: group.id,
    name: group.name,
    routing: group.routing,
    default: group.id === defaultGroupId,
    created_at: group.createdAt.toISOString(),
  };
}

function unknownGroup(groupId: string): IdentityError {
  return new IdentityError('not_found', `no group "${groupId}" in this organization`);
}
