import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  CHAT_PAGE_DEFAULT_EVENTS,
  type ActionRequest,
  type agentActions,
  type customerActions,
} from '@livedesk/contracts';
import type { ActionContext } from './action-context.js';
import { AgentProfiles } from './agents/agent-profiles.js';
import { ConversationClient } from './conversation-client.js';
import { MessageFiles } from './files/message-files.js';
import { PushFanout } from './push/push-fanout.js';
import { RtmError } from './to-protocol-error.js';
import { TypingRelay } from './typing/typing-relay.js';

type Customer<A extends keyof typeof customerActions> = ActionRequest<typeof customerActions, A>;
type Agent<A extends keyof typeof agentActions> = ActionRequest<typeof agentActions, A>;

/**
 * The actions customers and agents share: each one becomes a conversation command or query
 * with the actor and organization of the connection's token, never of the frame.
 */
@Injectable()
export class ChatCommands {
  constructor(
    private readonly conversations: ConversationClient,
    private readonly fanout: PushFanout,
    private readonly typing: TypingRelay,
    private readonly profiles: AgentProfiles,
    private readonly files: MessageFiles,
  ) {}

  /** A message, or an agent's internal note (`visibility: "agents"`; a customer's frame cannot carry it). */
  async sendEvent(context: ActionContext, payload: Customer<'send_event'> | Agent<'send_event'>) {
    const visibility = 'visibility' in payload.event ? payload.event.visibility : undefined;
    const attachments = await this.files.resolve(context, payload.chat_id, payload.event.attachments);
    const reply = await this.conversations.command('post_message', {
      ...this.commandBase(context),
      chat_id: payload.chat_id,
      message: {
        text: payload.event.text,
        client_id: payload.event.client_id,
        attachments,
        ...(visibility === undefined ? {} : { visibility }),
      },
    });
    return { chat_id: reply.chat_id, event: this.files.withUrls(reply.event) };
  }

  markSeen(context: ActionContext, payload: Customer<'mark_seen'>) {
    return this.conversations.command('mark_seen', {
      ...this.commandBase(context),
      chat_id: payload.chat_id,
      seen_up_to: payload.seen_up_to,
    });
  }

  /** A customer's page carries the public profile of the agent each event is about (`agent`). */
  async getChat(context: ActionContext, payload: Customer<'get_chat'>) {
    const page = await this.conversations.query('get', {
      organization_id: context.organizationId,
      actor: context.actor,
      chat_id: payload.chat_id,
      ...(payload.since_version === undefined ? {} : { since_version: payload.since_version }),
      limit: payload.limit ?? CHAT_PAGE_DEFAULT_EVENTS,
    });
    const events = page.events.map((event) => this.files.withUrls(event));
    if (context.actor.kind !== 'customer') return { ...page, events };
    return { ...page, events: await this.profiles.addTo(context.organizationId, events) };
  }

  listChats(context: ActionContext, payload: Agent<'list_chats'>) {
    return this.conversations.query('list', {
      organization_id: context.organizationId,
      actor: context.actor,
      filter: payload.filter ?? 'mine',
      ...('tag' in payload && payload.tag !== undefined ? { tag: payload.tag } : {}),
      ...(payload.cursor === undefined ? {} : { cursor: payload.cursor }),
      limit: payload.limit ?? 20,
    });
  }

  /**
   * Typing goes to the other side over core NATS. Only a participant may signal: the
   * customer of the chat, its assigned agent, or a supervisor; anyone else gets `not_found`,
   * as for a chat of another organization.
   */
  async sendTyping(context: ActionContext, payload: Customer<'send_typing'>) {
    const participants = await this.fanout.participantsOf(context.organizationId, payload.chat_id);
    const { actor } = context;
    const allowed =
      participants &&
      (actor.kind === 'customer'
        ? participants.customerId === actor.id
        : participants.assignedAgentId === actor.id || context.connection.isSupervisor());
    if (!participants || !allowed || actor.kind === 'system') {
      throw new RtmError('not_found', `chat ${payload.chat_id} does not exist`, 'chat_not_found');
    }
    this.typing.publish({
      organization_id: context.organizationId,
      chat_id: payload.chat_id,
      customer_id: participants.customerId,
      assigned_agent_id: participants.assignedAgentId,
      by: { kind: actor.kind, id: actor.id },
      is_typing: payload.is_typing,
      // Only a customer's unsent text is shown (to agents); an agent's never leaves the console.
      ...(actor.kind === 'customer' && payload.preview !== undefined ? { preview: payload.preview } : {}),
    });
    return { chat_id: payload.chat_id };
  }

  commandBase(context: ActionContext) {
    return {
      command_id: randomUUID(),
      organization_id: context.organizationId,
      actor: context.actor,
      origin: context.connection.id,
    };
  }
}
