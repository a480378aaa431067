import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  Optional,
  Param,
  Patch,
} from '@nestjs/common';
import type { z } from 'zod';
import { UpdateGroupRequest, type GroupListResponse, type GroupRecord } from '@livedesk/contracts';
import { CommandClient } from '@livedesk/messaging';
import { parseBody } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import type { Group } from '../directory-records.js';
import { IdentityError } from '../identity-errors.js';
import { editorOf, SetupAccess } from '../setup-access.js';
import { GroupChangeSignal } from './group-change-signal.js';
import { queuedChats } from './queued-chats.js';

/**
 * `GET /v1/organizations/:id/groups`, `GET|PATCH|DELETE …/groups/:group_id` (docs/protocol.md
 * v1.1), for the installation admin or an admin of the organization (another organization's ids
 * answer 404, as unknown ones do). A group is deleted only when no agent is a member any more
 * and no chat waits in its queue, and never the default one (409, Directory.deleteGroup): what
 * uses it is not detached silently, the admin moves it first. The queue is routing's, asked over
 * NATS where the service runs with it (`CommandClient`; the integration tests run without NATS).
 */
@Controller('v1/organizations')
export class GroupsAdminController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
    @Inject(GroupChangeSignal) private readonly signal: GroupChangeSignal,
    @Optional() @Inject(CommandClient) private readonly commands?: CommandClient,
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
    this.signal.groupChanged(organizationId);
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
    if (!(await this.directory.getGroup(organizationId, groupId))) throw unknownGroup(groupId);
    // Asked before the deletion: a chat queued in the moment between the count and the commit
    // waits in a group that no longer exists, until its customer leaves (CHAT_ABANDON_SECONDS).
    const queued = this.commands ? await queuedChats(this.commands, organizationId, groupId) : undefined;
    if (queued !== undefined && queued > 0)
      throw new IdentityError(
        'conflict',
        `${queued} chat(s) wait in the group's queue: let them be taken or transfer them first`,
        'group_has_queued_chats',
      );
    if (!(await this.directory.deleteGroup(organizationId, groupId, editorOf(caller)))) throw unknownGroup(groupId);
    this.signal.groupChanged(organizationId);
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
