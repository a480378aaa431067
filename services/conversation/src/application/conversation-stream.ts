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

export function conversationStreamId(chatId: string): string {
  return `conversation-${chatId}`;
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
