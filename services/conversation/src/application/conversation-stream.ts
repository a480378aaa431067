import { allEvents, type ConversationEvent } from '@livedesk/contracts';
import {
  emptyStream,
  foldStream,
  toStoredEvent,
  type Decider,
  type LoadedStream,
  type RecordedEvent,
} from '@livedesk/event-store';
import {
  decide,
  evolve,
  initialState,
  type ConversationCommand,
  type ConversationState,
  type StoredConversationEvent,
} from '../domain/index.js';

/** The conversation's domain core, as the command handler runs it. */
export const conversationDecider: Decider<ConversationCommand, ConversationEvent, ConversationState> = {
  decide,
  evolve,
  initialState,
};

/** A conversation as loaded from its stream: the folded state, its version and who owns it. */
export type LoadedConversation = LoadedStream<ConversationState>;

/** What a chat's stream id starts with (the chat id follows): the chat lists read the stream's version by it. */
export const CONVERSATION_STREAM_PREFIX = 'conversation-';

export function conversationStreamId(chatId: string): string {
  return `${CONVERSATION_STREAM_PREFIX}${chatId}`;
}

/** A stored event read back into the decider's terms, upcast to the current schema. */
export function toStoredConversationEvent(event: RecordedEvent): StoredConversationEvent {
  return toStoredEvent<ConversationEvent>(allEvents, event);
}

export function foldConversation(
  events: readonly RecordedEvent[],
  from: LoadedConversation = emptyConversation(),
): LoadedConversation {
  return foldStream(conversationDecider, allEvents, events, from);
}

export function emptyConversation(): LoadedConversation {
  return emptyStream(conversationDecider);
}

export type { ConversationEvent };
