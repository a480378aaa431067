import { allEvents, type ConversationEvent } from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';
import { evolve, initialState, type ConversationState, type StoredConversationEvent } from '../domain/index.js';

/** A conversation as loaded from its stream: the folded state and who owns it. */
export interface LoadedConversation {
  organizationId: string | undefined;
  state: ConversationState;
}

export function conversationStreamId(chatId: string): string {
  return `conversation-${chatId}`;
}

/** A stored event read back into the decider's terms, upcast to the current schema. */
export function toStoredConversationEvent(event: RecordedEvent): StoredConversationEvent {
  const data = allEvents.decode(event.type, event.schemaVersion, event.data);
  return {
    type: event.type,
    data,
    eventId: event.eventId,
    version: event.streamVersion,
    occurredAt: event.occurredAt,
  } as StoredConversationEvent;
}

export function foldConversation(events: readonly RecordedEvent[], from: LoadedConversation = emptyConversation()): LoadedConversation {
  let state = from.state;
  for (const event of events) state = evolve(state, toStoredConversationEvent(event));
  return { organizationId: from.organizationId ?? events[0]?.organizationId, state };
}

export function emptyConversation(): LoadedConversation {
  return { organizationId: undefined, state: initialState };
}

export type { ConversationEvent };
