import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActionRequest, customerActions } from '@livedesk/contracts';
import type { CustomerPrincipal } from '@livedesk/auth';
import { DirectoryClient } from '../directory/directory-client.js';
import type { ActionContext, ActionHandlers } from './action-context.js';
import { BanActions } from './bans/ban-actions.js';
import { ChatCommands } from './chat-commands.js';
import { ConversationClient } from './conversation-client.js';
import { TicketActions } from './tickets/ticket-actions.js';
import { RtmError } from './to-protocol-error.js';
import { CustomerPresence } from './routing/customer-presence.js';
import { VisitorDirectory } from './visitors/visitor-directory.js';
import { VisitorSignals } from './visitors/visitor-signals.js';
import { VisitorLocator } from './visitors/visitor-locator.js';

type Request<A extends keyof typeof customerActions> = ActionRequest<typeof customerActions, A>;

/** The actions of `/v1/customer/rtm` (docs/protocol.md, "Customer actions"), after login. */
@Injectable()
export class CustomerActions {
  constructor(
    private readonly chats: ChatCommands,
    private readonly conversations: ConversationClient,
    private readonly directory: DirectoryClient,
    private readonly visitors: VisitorDirectory,
    private readonly visitorSignals: VisitorSignals,
    private readonly bans: BanActions,
    private readonly locator: VisitorLocator,
    private readonly tickets: TicketActions,
    private readonly presence: CustomerPresence,
  ) {}

  handlers(): ActionHandlers<typeof customerActions> {
    return {
      start_chat: (context, payload: Request<'start_chat'>) =>
        this.startChat(context, payload, { duringBusinessHours: true }),
      send_event: (context, payload: Request<'send_event'>) => this.chats.sendEvent(context, payload),
      send_typing: (context, payload: Request<'send_typing'>) => this.chats.sendTyping(context, payload),
      mark_seen: (context, payload: Request<'mark_seen'>) => this.chats.markSeen(context, payload),
      rate_chat: (context, payload: Request<'rate_chat'>) =>
        this.conversations.command('rate', {
          ...this.chats.commandBase(context),
          chat_id: payload.chat_id,
          score: payload.score,
          ...(payload.comment === undefined ? {} : { comment: payload.comment }),
        }),
      answer_nps: (context, payload: Request<'answer_nps'>) =>
        this.conversations.command('answer_nps', {
          ...this.chats.commandBase(context),
          chat_id: payload.chat_id,
          score: payload.score,
          ...(payload.comment === undefined ? {} : { comment: payload.comment }),
        }),
      answer_survey: (context, payload: Request<'answer_survey'>) => this.answerSurvey(context, payload),
      report_goal: (context, payload: Request<'report_goal'>) =>
        this.conversations.command('report_goal', {
          ...this.chats.commandBase(context),
          chat_id: payload.chat_id,
          goal: payload.goal,
          ...(payload.value === undefined ? {} : { value: payload.value }),
        }),
      close_chat: (context, payload: Request<'close_chat'>) =>
        this.conversations.command('close', { ...this.chats.commandBase(context), chat_id: payload.chat_id }),
      list_chats: (context, payload: Request<'list_chats'>) => this.chats.listChats(context, payload),
      get_chat: (context, payload: Request<'get_chat'>) => this.chats.getChat(context, payload),
      leave_message: (context, payload: Request<'leave_message'>) => this.leaveMessage(context, payload),
      request_transcript: (context, payload: Request<'request_transcript'>) =>
        this.tickets.requestTranscript(context, payload),
      update_visit: async (context, payload: Request<'update_visit'>) => {
        const location = await this.locator.locate(context.connection.clientAddress);
        const visitor = await this.visitors.pageViewed(context.organizationId, context.actor.id, payload, location);
        this.visitorSignals.publish({ type: 'visitor_updated', organization_id: context.organizationId, visitor });
        return { visitor_id: visitor.visitor_id };
      },
    };
  }

  /** The login answer: who the customer is and the chats still going on; a banned customer is refused. */
  async loginReply(context: ActionContext) {
    // Both asked at once (a login waits for the slower, not the sum); the ban answers first, so
    // a banned customer is refused whatever the list answered, and never sees it.
    const listed = this.conversations.query('list', {
      organization_id: context.organizationId,
      actor: context.actor,
      filter: 'mine',
      statuses: ['queued', 'active'],
      limit: 100,
    });
    listed.catch(() => undefined); // awaited below unless the ban refuses first
    await this.bans.requireNotBanned(context);
    const { chats } = await listed;
    // Not awaited: the login does not wait for routing (customer-presence.ts orders a late report after a close).
    void this.presence.opened(context.principal as CustomerPrincipal, context.connection);
    return { customer_id: context.actor.id, organization_id: context.organizationId, chats };
  }

  /**
   * Outside the organization's business hours a live chat does not start: `unavailable` with
   * reason `offline` (docs/protocol.md); the customer may leave a message instead
   * (`leave_message`), or write in the messaging channel, which starts at any hour.
   */
  private async requireOpen(organizationId: string): Promise<void> {
    const open = await this.directory.takesChatsAt(organizationId, new Date());
    if (open === undefined)
      throw new RtmError('not_found', 'the organization no longer exists', 'organization_not_found');
    if (!open)
      throw new RtmError(
        'unavailable',
        'chat is offline outside business hours: leave a message instead (leave_message)',
        'offline',
      );
  }

  /** `duringBusinessHours`: `start_chat` itself; a chat opened for a message left (`leave_message`) starts at any hour. */
  private async startChat(
    context: ActionContext,
    payload: Request<'start_chat'>,
    { duringBusinessHours = false } = {},
  ) {
    await this.bans.requireNotBanned(context);
    // Messaging is asynchronous: its chats start at any hour and are answered when agents are in.
    if (duringBusinessHours && (payload.channel ?? 'chat') === 'chat') await this.requireOpen(context.organizationId);
    const groupId = await this.groupFor(context.organizationId, payload.group_id);
    const message = payload.message;
    return this.conversations.command('start', {
      ...this.chats.commandBase(context),
      chat_id: randomUUID(),
      channel: payload.channel ?? 'chat',
      group_id: groupId,
      ...(payload.page ? { page: payload.page } : {}),
      ...(message
        ? {
            message: {
              text: message.text,
              ...(message.client_id === undefined ? {} : { client_id: message.client_id }),
              // A file is uploaded into a chat: the first message of a new one has none.
              attachments: [],
            },
          }
        : {}),
    });
  }

  /** The survey's answers, checked by the conversation service against the organization's questions as they are now. */
  private async answerSurvey(context: ActionContext, payload: Request<'answer_survey'>) {
    const questions = await this.directory.surveyQuestions(context.organizationId);
    if (questions === undefined)
      throw new RtmError('not_found', 'the organization no longer exists', 'organization_not_found');
    return this.conversations.command('answer_survey', {
      ...this.chats.commandBase(context),
      chat_id: payload.chat_id,
      answers: payload.answers,
      questions,
    });
  }

  /**
   * The message of a customer nobody could serve: it ends their queued chat, or one opened for
   * it when they had none (so that it is counted, and found, like every other chat), also
   * outside business hours, when `start_chat` is refused.
   */
  private async leaveMessage(context: ActionContext, payload: Request<'leave_message'>) {
    const chatId =
      payload.chat_id ??
      (await this.startChat(context, { ...(payload.group_id ? { group_id: payload.group_id } : {}) })).chat_id;
    return this.conversations.command('leave_message', {
      ...this.chats.commandBase(context),
      chat_id: chatId,
      email: payload.email,
      text: payload.text,
      ...(payload.name === undefined ? {} : { name: payload.name }),
    });
  }

  /** The group a chat starts in: the one asked for, which must be the organization's, or its default. */
  private async groupFor(organizationId: string, groupId: string | undefined): Promise<string> {
    if (groupId === undefined) {
      const defaultGroupId = await this.directory.defaultGroupOf(organizationId);
      if (defaultGroupId === undefined)
        throw new RtmError('not_found', 'the organization no longer exists', 'organization_not_found');
      return defaultGroupId;
    }
    const group = await this.directory.getGroup(organizationId, groupId);
    if (!group) throw new RtmError('not_found', `group ${groupId} does not exist`, 'group_not_found');
    return group.group_id;
  }
}
