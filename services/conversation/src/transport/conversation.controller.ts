import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  conversationCommands,
  conversationPattern,
  conversationQueries,
  type ConversationCommand,
  type ConversationCommandName,
  type ConversationCommandReply,
  type ConversationQuery,
  type ConversationQueryName,
} from '@livedesk/contracts';
import { CommandErrorFilter, CommandPayload } from '@livedesk/service-kit';
import { ConversationCommands } from '../application/conversation-commands.service.js';
import { ConversationQueries } from '../application/conversation-queries.service.js';

/** A command's payload, parsed with its contract. */
const Command = (name: ConversationCommandName) => CommandPayload(conversationCommands[name].request);
/** A query's payload, parsed with its contract. */
const Query = (name: ConversationQueryName) => CommandPayload(conversationQueries[name].request);

/**
 * The conversation service's NATS commands (`<prefix>.cmd.conversation.<name>`), in the
 * `conversation` queue group. Every payload is parsed with its contract before anything runs;
 * refusals reach the caller through `CommandErrorFilter`.
 */
@Controller()
@UseFilters(CommandErrorFilter)
export class ConversationController {
  constructor(
    private readonly commands: ConversationCommands,
    private readonly queries: ConversationQueries,
  ) {}

  @MessagePattern(conversationPattern('start')) start(@Command('start') c: ConversationCommand<'start'>) {
    return this.command('start', c);
  }
  @MessagePattern(conversationPattern('post_message')) postMessage(
    @Command('post_message') c: ConversationCommand<'post_message'>,
  ) {
    return this.postMessageCommand(c);
  }
  @MessagePattern(conversationPattern('join')) join(@Command('join') c: ConversationCommand<'join'>) {
    return this.command('join', c);
  }
  @MessagePattern(conversationPattern('assign')) assign(@Command('assign') c: ConversationCommand<'assign'>) {
    return this.command('assign', c);
  }
  @MessagePattern(conversationPattern('transfer')) transfer(@Command('transfer') c: ConversationCommand<'transfer'>) {
    return this.command('transfer', c);
  }
  @MessagePattern(conversationPattern('mark_seen')) markSeen(
    @Command('mark_seen') c: ConversationCommand<'mark_seen'>,
  ) {
    return this.command('mark_seen', c);
  }
  @MessagePattern(conversationPattern('rate')) rate(@Command('rate') c: ConversationCommand<'rate'>) {
    return this.command('rate', c);
  }
  @MessagePattern(conversationPattern('resolve')) resolve(@Command('resolve') c: ConversationCommand<'resolve'>) {
    return this.command('resolve', c);
  }
  @MessagePattern(conversationPattern('close')) close(@Command('close') c: ConversationCommand<'close'>) {
    return this.command('close', c);
  }
  @MessagePattern(conversationPattern('close_abandoned')) closeAbandoned(
    @Command('close_abandoned') c: ConversationCommand<'close_abandoned'>,
  ) {
    return this.command('close_abandoned', c);
  }
  @MessagePattern(conversationPattern('close_inactive')) closeInactive(
    @Command('close_inactive') c: ConversationCommand<'close_inactive'>,
  ) {
    return this.command('close_inactive', c);
  }
  @MessagePattern(conversationPattern('mark_missed')) markMissed(
    @Command('mark_missed') c: ConversationCommand<'mark_missed'>,
  ) {
    return this.command('mark_missed', c);
  }
  @MessagePattern(conversationPattern('add_tag')) addTag(@Command('add_tag') c: ConversationCommand<'add_tag'>) {
    return this.tagCommand('add_tag', c);
  }
  @MessagePattern(conversationPattern('remove_tag')) removeTag(
    @Command('remove_tag') c: ConversationCommand<'remove_tag'>,
  ) {
    return this.tagCommand('remove_tag', c);
  }
  @MessagePattern(conversationPattern('answer_nps')) answerNps(
    @Command('answer_nps') c: ConversationCommand<'answer_nps'>,
  ) {
    return this.command('answer_nps', c);
  }
  @MessagePattern(conversationPattern('answer_survey')) answerSurvey(
    @Command('answer_survey') c: ConversationCommand<'answer_survey'>,
  ) {
    return this.command('answer_survey', c);
  }
  @MessagePattern(conversationPattern('report_goal')) reportGoal(
    @Command('report_goal') c: ConversationCommand<'report_goal'>,
  ) {
    return this.command('report_goal', c);
  }
  @MessagePattern(conversationPattern('set_priority')) setPriority(
    @Command('set_priority') c: ConversationCommand<'set_priority'>,
  ) {
    return this.command('set_priority', c);
  }
  @MessagePattern(conversationPattern('leave_message')) leaveMessage(
    @Command('leave_message') c: ConversationCommand<'leave_message'>,
  ) {
    return this.command('leave_message', c);
  }
  @MessagePattern(conversationPattern('get')) get(@Query('get') q: ConversationQuery<'get'>) {
    return this.queries.get(q);
  }
  @MessagePattern(conversationPattern('list')) list(@Query('list') q: ConversationQuery<'list'>) {
    return this.queries.list(q);
  }
  @MessagePattern(conversationPattern('customer_chats')) customerChats(
    @Query('customer_chats') q: ConversationQuery<'customer_chats'>,
  ) {
    return this.queries.customerChats(q);
  }
  @MessagePattern(conversationPattern('search')) search(@Query('search') q: ConversationQuery<'search'>) {
    return this.queries.search(q);
  }

  /** A tag put on or taken off: the reply holds the chat's tags after it. */
  private async tagCommand(
    name: 'add_tag' | 'remove_tag',
    wire: ConversationCommand<'add_tag'>,
  ): Promise<ConversationCommandReply<'add_tag'>> {
    const outcome = await this.commands.execute(name, wire);
    return {
      chat_id: outcome.chatId,
      version: outcome.version,
      tags: outcome.state.status === 'none' ? [] : [...outcome.state.tags],
    };
  }

  private async command<N extends Exclude<ConversationCommandName, 'post_message' | 'add_tag' | 'remove_tag'>>(
    name: N,
    wire: ConversationCommand<N>,
  ): Promise<ConversationCommandReply<N>> {
    const outcome = await this.commands.execute(name, wire);
    return { chat_id: outcome.chatId, version: outcome.version } as ConversationCommandReply<N>;
  }

  private async postMessageCommand(
    wire: ConversationCommand<'post_message'>,
  ): Promise<ConversationCommandReply<'post_message'>> {
    const outcome = await this.commands.execute('post_message', wire);
    const event = await this.commands.messageOf(outcome, wire);
    return { chat_id: outcome.chatId, version: event.version, event, duplicate: outcome.duplicate };
  }
}
