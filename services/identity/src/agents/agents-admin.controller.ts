import { Body, Controller, Headers, Inject, Param, Patch } from '@nestjs/common';
import type { z } from 'zod';
import { UpdateAgentRequest, type UpdateAgentResponse } from '@livedesk/contracts';
import { parseBody } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import { IdentityError } from '../identity-errors.js';
import { SetupAccess } from '../setup-access.js';
import { DirectorySignals } from '../directory-signals.js';

/**
 * `PATCH /v1/organizations/:id/agents/:agent_id` {name, display_name, avatar_url, disabled, daily_summary}
 * (docs/protocol.md v1.1; role, max_chats and groups not yet), by admins; an agent may set its own
 * `daily_summary` (opting in to the daily summary email). Every change takes effect at once:
 * logins and the gateway's checks read the directory row, and the signal makes every gateway
 * forget the agent's public profile (customers see the new display name and avatar), closes a
 * disabled agent's sockets and makes the other services' APIs ask the directory again.
 */
@Controller('v1/organizations')
export class AgentsAdminController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
    @Inject(DirectorySignals) private readonly signals: DirectorySignals,
  ) {}

  @Patch(':id/agents/:agentId')
  async updateAgent(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Param('agentId') agentId: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof UpdateAgentResponse>> {
    const caller = await this.access.requireOrganizationAdminOrSelf(authorization, organizationId, agentId);
    const request = parseBody(UpdateAgentRequest, body);
    if (
      caller.kind === 'self' &&
      Object.entries(request).some(([field, value]) => field !== 'daily_summary' && value !== undefined)
    ) {
      throw new IdentityError(
        'authorization',
        'an agent may change only its own daily_summary; the rest is for admins',
        'admin_only',
      );
    }
    if (caller.kind === 'organization_admin' && caller.agentId === agentId && request.disabled) {
      throw new IdentityError('conflict', 'an admin cannot disable themselves', 'cannot_disable_self');
    }
    const agent = await this.directory.updateAgent(organizationId, agentId, {
      name: request.name,
      displayName: request.display_name,
      avatarUrl: request.avatar_url,
      disabled: request.disabled,
      dailySummary: request.daily_summary,
    });
    if (!agent) throw new IdentityError('not_found', `no agent "${agentId}" in this organization`);
    this.signals.agentChanged({ organization_id: organizationId, agent_id: agentId, disabled: agent.disabled });
    return {
      agent_id: agent.id,
      name: agent.name,
      display_name: agent.displayName,
      avatar_url: agent.avatarUrl,
      disabled: agent.disabled,
      daily_summary: agent.dailySummary,
    };
  }
}
