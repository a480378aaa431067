import { allEvents, type ConversationEvent, type TranscriptMessage } from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';

/** What a ticket needs to know of the chat it comes from, read from the chat's own stream. */
export interface ChatFacts {
  organizationId: string;
  chatId: string;
  customerId: string;
  groupId: string;
  transcript: TranscriptMessage[];
  /** The agents' internal notes of the chat, oldest first: the ticket keeps them as its internal notes, never in the transcript. */
  notes: TranscriptMessage[];
  /** The chat's stream version the facts were read at. */
  version: number;
}

/**
 * Folds a conversation's events (up to the one that matters, so that a redelivered event
 * gives the same ticket whatever happened in the chat since) into what the ticket keeps:
 * the customer, the group, the messages and the agents' internal notes.
 */
export function chatFactsOf(events: readonly RecordedEvent[]): ChatFacts | undefined {
  const first = events[0];
  if (!first) return undefined;
  let facts: ChatFacts | undefined;
  for (const recorded of events) {
    const event = {
      type: recorded.type,
      data: allEvents.decode(recorded.type, recorded.schemaVersion, recorded.data),
    } as ConversationEvent;
    if (event.type === 'ConversationStarted') {
      facts = {
        organizationId: recorded.organizationId,
        chatId: event.data.conversation_id,
        customerId: event.data.customer_id,
        groupId: event.data.group_id,
        transcript: [],
        notes: [],
        version: recorded.streamVersion,
      };
      continue;
    }
    if (!facts) continue;
    facts.version = recorded.streamVersion;
    switch (event.type) {
      case 'MessagePosted':
        facts.transcript.push(transcriptLine(event.data, recorded.occurredAt));
        break;
      case 'InternalNotePosted':
        facts.notes.push(transcriptLine(event.data, recorded.occurredAt));
        break;
      case 'ConversationQueued':
        facts.groupId = event.data.group_id;
        break;
      case 'ConversationTransferred':
        if (event.data.to_group_id !== undefined) facts.groupId = event.data.to_group_id;
        break;
      default:
        break;
    }
  }
  return facts;
}

/** A subject from the customer's words: their first line, shortened. */
/** A message or a note of the chat, as a ticket keeps it. */
function transcriptLine(
  data: Pick<TranscriptMessage, 'message_id' | 'author' | 'text' | 'attachments'>,
  occurredAt: Date,
): TranscriptMessage {
  return {
    message_id: data.message_id,
    author: data.author,
    text: data.text,
    attachments: data.attachments,
    posted_at: occurredAt.toISOString(),
  };
}

export function subjectFrom(text: string | undefined, fallback: string): string {
  const line = text
    ?.split('\n')
    .map((part) => part.trim())
    .find((part) => part.length > 0);
  if (!line) return fallback;
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
