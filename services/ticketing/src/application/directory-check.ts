import { Injectable } from '@nestjs/common';
import { directoryLookup } from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { ApiError } from '@livedesk/service-kit';

/**
 * Checks that agent and group ids are of the organization before a ticket is assigned to them,
 * by asking the directory (the identity service owns it: `cmd.directory.lookup`). An id of another
 * organization answers exactly like one that does not exist.
 */
@Injectable()
export class DirectoryCheck {
  constructor(private readonly client: CommandClient) {}

  async requireMembers(organizationId: string, ids: { agentIds: string[]; groupIds: string[] }): Promise<void> {
    if (ids.agentIds.length === 0 && ids.groupIds.length === 0) return;
    const reply = await sendCommand(
      this.client,
      directoryLookup.pattern,
      { organization_id: organizationId, agent_ids: ids.agentIds, group_ids: ids.groupIds },
      { timeoutMs: 3000, parseReply: (value) => directoryLookup.reply.parse(value) },
    );
    const agent = ids.agentIds.find((id) => !reply.agent_ids.includes(id));
    if (agent !== undefined) throw new ApiError('not_found', `agent ${agent} does not exist`, 'agent_not_found');
    const group = ids.groupIds.find((id) => !reply.group_ids.includes(id));
    if (group !== undefined) throw new ApiError('not_found', `group ${group} does not exist`, 'group_not_found');
  }
}
