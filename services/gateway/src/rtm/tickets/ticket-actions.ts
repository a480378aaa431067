import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActionRequest, agentActions, customerActions } from '@livedesk/contracts';
import { DirectoryClient } from '../../directory/directory-client.js';
import type { ActionContext } from '../action-context.js';
import { ChatCommands } from '../chat-commands.js';
import { RtmError } from '../to-protocol-error.js';
import { TicketingClient } from './ticketing-client.js';

type Request<A extends keyof typeof agentActions> = ActionRequest<typeof agentActions, A>;

/**
 * `create_ticket` (docs/protocol.md, agent actions): a ticket from a chat, with its transcript;
 * `request_transcript` (customer actions): the chat's transcript by email.
 */
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
    const { chat } = await this.chats.getChat(context, {
      chat_id: payload.chat_id,
      since_version: Number.MAX_SAFE_INTEGER,
    });
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

  /**
   * The transcript goes to the email given, or to the email of the customer's identity. The
   * ticketing service checks that the chat is the customer's own and counts the limits; over
   * them it answers the wait, which the client gets as `rate_limited` with `retry_after_ms`.
   */
  async requestTranscript(
    context: ActionContext,
    payload: ActionRequest<typeof customerActions, 'request_transcript'>,
  ) {
    const email =
      payload.email ?? (await this.directory.getCustomer(context.organizationId, context.actor.id))?.email ?? undefined;
    if (!email) {
      throw new RtmError(
        'validation',
        'payload.email is required: the customer has no email on record',
        'email_required',
      );
    }
    const reply = await this.ticketing.command('send_transcript', {
      command_id: randomUUID(),
      organization_id: context.organizationId,
      actor: context.actor,
      chat_id: payload.chat_id,
      email,
    });
    if (reply.outcome === 'rate_limited') {
      throw new RtmError(
        'rate_limited',
        'too many transcripts asked for: try again later',
        'transcript_limit',
        reply.retry_after_ms,
      );
    }
    return { chat_id: payload.chat_id, email };
  }
}
