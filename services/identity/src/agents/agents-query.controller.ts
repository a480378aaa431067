import { Controller, Get, Headers, Inject, Param } from '@nestjs/common';
import type { z } from 'zod';
import type { AgentListResponse, AgentRecord } from '@livedesk/contracts';
import { Directory } from '../directory.js';
import { IdentityError } from '../identity-errors.js';
import { SetupAccess } from '../setup-access.js';
import { agentRecordOf } from './agent-record.js';

/**
 * `GET /v1/organizations/:id/agents` and `GET …/agents/:agent_id` (docs/protocol.md v1.1), for
 * the installation admin or an admin of the organization: another organization's ids answer 404,
 * as unknown ones do.
 */
@Controller('v1/organizations')
export class AgentsQueryController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
  ) {}

  @Get(':id/agents')
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
  ): Promise<z.infer<typeof AgentListResponse>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    if (!(await this.directory.getOrganization(organizationId)))
      throw new IdentityError('not_found', `no organization "${organizationId}"`);
    return { agents: (await this.directory.listAgents(organizationId)).map(agentRecordOf) };
  }

  @Get(':id/agents/:agentId')
  async get(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('agentId') agentId: string,
  ): Promise<z.infer<typeof AgentRecord>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const agent = await this.directory.getAgent(organizationId, agentId);
    if (!agent) throw new IdentityError('not_found', `no agent "${agentId}" in this organization`);
    return agentRecordOf(agent);
  }
}
