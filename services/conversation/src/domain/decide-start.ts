import type { ConversationEvent } from '@livedesk/contracts';
import type { StartCommand } from './conversation-commands.js';
import type { ConversationState } from './conversation-state.js';
import { messagePosted } from './message-posted.js';
import { refuse } from './refusals.js';

/** A customer opens a chat, optionally with a first message, and it waits in the group's queue. */
export function decideStart(command: StartCommand, state: ConversationState): ConversationEvent[] {
  const { actor } = command;
  if (actor.kind !== 'customer') throw refuse.notAllowed('Only a customer can start a chat.');
  if (state.status !== 'none') throw refuse.chatExists();
  const started: ConversationEvent = {
    type: 'ConversationStarted',
    data: {
      conversation_id: command.chatId,
      channel: command.channel,
      group_id: command.groupId,
      customer_id: actor.id,
      ...(command.page === undefined ? {} : { page: command.page }),
    },
  };
  const queued: ConversationEvent = { type: 'ConversationQueued', data: { group_id: command.groupId } };
  if (command.message === undefined) return [started, queued];
  return [started, messagePosted({ kind: 'customer', id: actor.id }, command.message), queued];
}
