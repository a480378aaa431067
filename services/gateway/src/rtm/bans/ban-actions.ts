import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActionRequest, agentActions } from '@livedesk/contracts';
import { DirectoryClient } from '../../directory/directory-client.js';
import type { ActionContext } from '../action-context.js';
import { RtmError } from '../to-protocol-error.js';
import { BanClient } from './ban-client.js';

type Request<A extends keyof typeof agentActions> = ActionRequest<typeof agentActions, A>;

/**
 * `ban_customer` / `unban_customer` (supervisors and admins), and the checks of a banned
 * customer's `login` and `start_chat`. The bans live in the identity service (each one an event
 * of the customer's stream), which checks the agent's role as the directory has it now and
 * closes a banned customer's sockets on every gateway (`customer_banned`).
 */
@Injectable()
export class BanActions {
  constructor(
    private readonly bans: BanClient,
    private readonly directory: DirectoryClient,
  ) {}

  banCustomer(context: ActionContext, payload: Request<'ban_customer'>) {
    this.requireModerator(context);
    return this.bans.command('ban_customer', {
      command_id: randomUUID(),
      organization_id: context.organizationId,
      actor: context.actor,
      customer_id: payload.customer_id,
      ...(payload.seconds === undefined ? {} : { seconds: payload.seconds }),
      ...(payload.reason === undefined ? {} : { reason: payload.reason }),
    });
  }

  unbanCustomer(context: ActionContext, payload: Request<'unban_customer'>) {
    this.requireModerator(context);
    return this.bans.command('unban_customer', {
      command_id: randomUUID(),
      organization_id: context.organizationId,
      actor: context.actor,
      customer_id: payload.customer_id,
    });
  }

  /** A customer with a ban in force may not log in or start a chat: `authorization`, reason `banned`. */
  async requireNotBanned(context: ActionContext): Promise<void> {
    const ban = await this.directory.customerBan(context.organizationId, context.actor.id);
    if (!ban) return;
    const until = ban.banned_until === null ? '' : ` until ${ban.banned_until}`;
    throw new RtmError('authorization', `you are banned from this chat${until}`, 'banned');
  }

  /** The token's role answers at once; the identity service checks the directory's role again. */
  private requireModerator(context: ActionContext): void {
    if (!context.connection.isSupervisor()) {
      throw new RtmError('authorization', 'only supervisors and admins may ban customers', 'supervisors_only');
    }
  }
}
