import { Body, Controller, Headers, Inject, Param, Patch } from '@nestjs/common';
import type { z } from 'zod';
import { UpdateAgentRequest, type UpdateAgentResponse } from '@livedesk/contracts';
import { parseBody } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import { IdentityError } from '../identity-errors.js';
import { editorOf, SetupAccess } from '../setup-access.js';
import { DirectorySignals } from '../directory-signals.js';
import { agentRecordOf } from './agent-record.js';

/**
 * `PATCH /v1/organizations/:id/agents/:agent_id` {name, display_name, avatar_url, role, max_chats,
 * groups, disabled, daily_summary} (docs/protocol.md v1.1), by admins; an agent may set its own
 * `daily_summary` (opting in to the daily summary email). Every change takes effect at once:
 * logins and the gateway's checks read the directory row, and the `agent_changed` signal makes
 * every gateway forget the agent's public profile (customers see the new display name and
 * avatar), close a disabled agent's sockets, give the agent's open sockets its new role and tell
 * routing its new limit and groups, and makes the other services' APIs ask the directory again.
 * An admin may neither disable themselves nor give up their own admin role (409): an
 * organization must not lock its last admin out by a slip.
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
    if (
      caller.kind === 'organization_admin' &&
      caller.agentId === agentId &&
      request.role !== undefined &&
      request.role !== 'admin'
    ) {
      throw new IdentityError('conflict', 'an admin cannot take away their own admin role', 'cannot_demote_self');
    }
    const agent = await this.directory.updateAgent(
      organizationId,
      agentId,
      {
        name: request.name,
        displayName: request.display_name,
        avatarUrl: request.avatar_url,
        disabled: request.disabled,
        dailySummary: request.daily_summary,
        role: request.role,
        maxChats: request.max_chats,
        groupIds: request.groups,
      },
      caller.kind === 'self' ? { kind: 'agent', agent_id: agentId } : editorOf(caller),
    );
    if (!agent) throw new IdentityError('not_found', `no agent "${agentId}" in this organization`);
    await this.signals.agentChanged({
      organization_id: organizationId,
      agent_id: agentId,
      disabled: agent.disabled,
      role: agent.role,
    });
    return agentRecordOf(agent);
  }
}
