import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  banCommandPattern,
  banCommands,
  DomainError,
  type Actor,
  type BanCommand,
  type BanCommandReply,
} from '@livedesk/contracts';
import { CLOCK, CommandErrorFilter, CommandPayload, type Clock } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import { DirectorySignals } from '../directory-signals.js';
import { customerNotFound, CustomerBans } from './customer-bans.js';

/**
 * `ban_customer` and `unban_customer` (`<prefix>.cmd.identity.<name>`), sent by the gateway for
 * the agent of a socket. Only supervisors and admins may ban (a ban reaches beyond any one chat
 * and outlives it), by the role the directory holds now, not the token's. A customer of another
 * organization is not found. A ban closes the customer's open sockets on every gateway
 * (`customer_banned` signal).
 */
@Controller()
@UseFilters(CommandErrorFilter)
export class BanCommandsController {
  constructor(
    @Inject(Directory) private readonly directory: Directory,
    @Inject(CustomerBans) private readonly bans: CustomerBans,
    @Inject(DirectorySignals) private readonly signals: DirectorySignals,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @MessagePattern(banCommandPattern('ban_customer'))
  async ban(
    @CommandPayload(banCommands.ban_customer.request) command: BanCommand<'ban_customer'>,
  ): Promise<BanCommandReply<'ban_customer'>> {
    const agentId = await this.requireModerator(command.organization_id, command.actor);
    await this.requireCustomer(command.organization_id, command.customer_id);
    const ban = await this.bans.execute(
      command.organization_id,
      {
        type: 'ban',
        customerId: command.customer_id,
        byAgentId: agentId,
        now: this.clock.now(),
        ...(command.seconds === undefined ? {} : { seconds: command.seconds }),
        ...(command.reason === undefined ? {} : { reason: command.reason }),
      },
      command.command_id,
    );
    await this.signals.customerBanned({ organization_id: command.organization_id, customer_id: command.customer_id });
    return {
      customer_id: command.customer_id,
      banned_until: ban?.bannedUntil?.toISOString() ?? null,
      reason: ban?.reason ?? null,
    };
  }

  @MessagePattern(banCommandPattern('unban_customer'))
  async unban(
    @CommandPayload(banCommands.unban_customer.request) command: BanCommand<'unban_customer'>,
  ): Promise<BanCommandReply<'unban_customer'>> {
    const agentId = await this.requireModerator(command.organization_id, command.actor);
    await this.requireCustomer(command.organization_id, command.customer_id);
    await this.bans.execute(
      command.organization_id,
      { type: 'unban', customerId: command.customer_id, byAgentId: agentId, now: this.clock.now() },
      command.command_id,
    );
    return { customer_id: command.customer_id, banned: false };
  }

  private async requireModerator(organizationId: string, actor: Actor): Promise<string> {
    const agent = actor.kind === 'agent' ? await this.directory.getAgent(organizationId, actor.id) : undefined;
    if (!agent || agent.disabled || agent.role === 'agent') {
      throw new DomainError('authorization', 'supervisors_only', 'Only supervisors and admins may ban customers.');
    }
    return agent.id;
  }

  private async requireCustomer(organizationId: string, customerId: string): Promise<void> {
    if (!(await this.directory.getCustomer(organizationId, customerId))) throw customerNotFound();
  }
}
