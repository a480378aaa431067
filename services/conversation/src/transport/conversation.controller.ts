import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  conversationCommands,
  conversationQueries,
  type ConversationCommandName,
  type ConversationCommandReply,
  type ConversationQueryName,
  type ConversationQueryReply,
} from '@livedesk/contracts';
import { toCommandError } from '@livedesk/service-kit';
import { ConversationCommands } from '../application/conversation-commands.service.js';
import { ConversationQueries } from '../application/conversation-queries.service.js';

/**
 * The conversation service's NATS commands (`<prefix>.cmd.conversation.<name>`), in the
 * `conversation` queue group. Every payload is parsed with its contract before anything runs.
 */
@Controller()
export class ConversationController {
  constructor(
    private readonly commands: ConversationCommands,
    private readonly queries: ConversationQueries,
  ) {}

  @MessagePattern('cmd.conversation.start') start(@Payload() p: unknown) { return this.command('start', p); }
  @MessagePattern('cmd.conversation.post_message') postMessage(@Payload() p: unknown) { return this.postMessageCommand(p); }
  @MessagePattern('cmd.conversation.join') join(@Payload() p: unknown) { return this.command('join', p); }
  @MessagePattern('cmd.conversation.assign') assign(@Payload() p: unknown) { return this.command('assign', p); }
  @MessagePattern('cmd.conversation.transfer') transfer(@Payload() p: unknown) { return this.command('transfer', p); }
  @MessagePattern('cmd.conversation.mark_seen') markSeen(@Payload() p: unknown) { return this.command('mark_seen', p); }
  @MessagePattern('cmd.conversation.rate') rate(@Payload() p: unknown) { return this.command('rate', p); }
  @MessagePattern('cmd.conversation.resolve') resolve(@Payload() p: unknown) { return this.command('resolve', p); }
  @MessagePattern('cmd.conversation.close') close(@Payload() p: unknown) { return this.command('close', p); }
  @MessagePattern('cmd.conversation.mark_missed') markMissed(@Payload() p: unknown) { return this.command('mark_missed', p); }
  @MessagePattern('cmd.conversation.add_tag') addTag(@Payload() p: unknown) { return this.command('add_tag', p); }
  @MessagePattern('cmd.conversation.answer_nps') answerNps(@Payload() p: unknown) { return this.command('answer_nps', p); }
  @MessagePattern('cmd.conversation.report_goal') reportGoal(@Payload() p: unknown) { return this.command('report_goal', p); }
  @MessagePattern('cmd.conversation.set_priority') setPriority(@Payload() p: unknown) { return this.command('set_priority', p); }
  @MessagePattern('cmd.conversation.leave_message') leaveMessage(@Payload() p: unknown) { return this.command('leave_message', p); }
  @MessagePattern('cmd.conversation.get') get(@Payload() p: unknown) { return this.query('get', p); }
  @MessagePattern('cmd.conversation.list') list(@Payload() p: unknown) { return this.query('list', p); }

  private async command<N extends Exclude<ConversationCommandName, 'post_message'>>(
    name: N,
    payload: unknown,
  ): Promise<ConversationCommandReply<N>> {
    try {
      const wire = conversationCommands[name].request.parse(payload);
      const outcome = await this.commands.execute(name, wire as never);
      return { chat_id: outcome.chatId, version: outcome.version } as ConversationCommandReply<N>;
    } catch (error) {
      throw toCommandError(error);
    }
  }

  private async postMessageCommand(payload: unknown): Promise<ConversationCommandReply<'post_message'>> {
    try {
      const wire = conversationCommands.post_message.request.parse(payload);
      const outcome = await this.commands.execute('post_message', wire);
      const event = await this.commands.messageOf(outcome, wire);
      return { chat_id: outcome.chatId, version: event.version, event, duplicate: outcome.duplicate };
    } catch (error) {
      throw toCommandError(error);
    }
  }

  private async query<N extends ConversationQueryName>(name: N, payload: unknown): Promise<ConversationQueryReply<N>> {
    try {
      const query = conversationQueries[name].request.parse(payload);
      return (name === 'get' ? await this.queries.get(query as never) : await this.queries.list(query as never)) as ConversationQueryReply<N>;
    } catch (error) {
      throw toCommandError(error);
    }
  }
}
