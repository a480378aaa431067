import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActionRequest, agentActions } from '@livedesk/contracts';
import { DirectoryClient } from '../../directory/directory-client.js';
import type { ActionContext } from '../action-context.js';
import { ChatCommands } from '../chat-commands.js';
import { TicketingClient } from './ticketing-client.js';

type Request<A extends keyof typeof agentActions> = ActionRequest<typeof agentActions, A>;

/** `create_ticket` (docs/protocol.md, agent actions): a ticket from a chat, with its transcript. */
@Injectable()
export class TicketActions {
  constructor(
    private readonly chats: ChatCommands,
    private readonly directory: DirectoryClient,
    private readonly ticketing: TicketingClient,
  ) {}

  /**
   * Reading the chat first checks that the agent may read it (the conversation service's rule)
   * and names its customer, whose email, when the directory has one, is where the ticket's
   * replies are sent. Ticketing reads the transcript from the chat's stream itself.
   */
  async createTicket(context: ActionContext, payload: Request<'create_ticket'>) {
    const { chat } = await this.chats.getChat(context, { chat_id: payload.chat_id, since_version: Number.MAX_SAFE_INTEGER });
    const customer = await this.directory.getCustomer(context.organizationId, chat.customer_id);
    const reply = await this.ticketing.command('create_from_chat', {
      command_id: randomUUID(),
      organization_id: context.organizationId,
      actor: context.actor,
      chat_id: payload.chat_id,
      ...(payload.subject === undefined ? {} : { subject: payload.subject }),
      ...(customer?.email ? { requester_email: customer.email } : {}),
      ...(customer?.name ? { requester_name: customer.name } : {}),
    });
    return { ticket_id: reply.ticket_id, reference: reply.reference, version: reply.version };
  }
}
