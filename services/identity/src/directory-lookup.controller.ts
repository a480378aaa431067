import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { directoryLookup } from '@livedesk/contracts';
import { CommandErrorFilter, CommandPayload } from '@livedesk/service-kit';
import type { z } from 'zod';
import { Directory } from './directory.js';

/**
 * Other services ask the directory, which the gateway owns, whether agent and group ids are of
 * an organization (`cmd.directory.lookup`): ticketing checks an assignment with it, so that an
 * id of another organization is refused instead of stored, and every API that verifies tokens
 * checks that the token's agent is still active. A disabled agent is not answered: to the
 * rest of the system it is gone.
 */
@Controller()
@UseFilters(CommandErrorFilter)
export class DirectoryLookupController {
  constructor(private readonly directory: Directory) {}

  @MessagePattern(directoryLookup.pattern)
  async lookup(
    @CommandPayload(directoryLookup.request) lookup: z.infer<typeof directoryLookup.request>,
  ): Promise<z.infer<typeof directoryLookup.reply>> {
    const { organization_id: organizationId, agent_ids: agentIds, group_ids: groupIds } = lookup;
    const agents = await Promise.all(agentIds.map((id) => this.directory.getAgent(organizationId, id)));
    const groups = await Promise.all(groupIds.map((id) => this.directory.getGroup(organizationId, id)));
    return {
      agent_ids: agents.flatMap((agent) => (agent && !agent.disabled ? [agent.id] : [])),
      group_ids: groups.flatMap((group) => (group ? [group.id] : [])),
    };
  }
}
