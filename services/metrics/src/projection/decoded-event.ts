import {
  allEvents,
  type AgentEvent,
  type ConversationEvent,
  type OrganizationEvent,
  type SlaEvent,
  type TicketEvent,
} from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';

/** A stored event the projection reads, with its stream's category and the id after the category (`conversation-<id>`). */
export type DecodedEvent =
  | { category: 'conversation'; id: string; recorded: RecordedEvent; event: ConversationEvent }
  | { category: 'sla'; id: string; recorded: RecordedEvent; event: SlaEvent }
  | { category: 'slapolicy'; id: string; recorded: RecordedEvent; event: SlaEvent }
  | { category: 'agent'; id: string; recorded: RecordedEvent; event: AgentEvent }
  | { category: 'organization'; id: string; recorded: RecordedEvent; event: OrganizationEvent }
  | { category: 'ticket'; id: string; recorded: RecordedEvent; event: TicketEvent };

const PROJECTED = ['conversation', 'sla', 'slapolicy', 'agent', 'organization', 'ticket'] as const;

/**
 * The projected category a stream id starts with (`conversation-…`), as one of PROJECTED's own
 * strings: a replay decodes a million events, and slicing each id's category out was a string
 * made and hashed per event.
 */
function projectedCategory(streamId: string): DecodedEvent['category'] | undefined {
  const dash = streamId.indexOf('-');
  for (const category of PROJECTED) {
    if (category.length === dash && streamId.startsWith(category)) return category;
  }
  return undefined;
}

/**
 * A stored event as the projector reads it: upcast (not validated again: the event store holds
 * validated events only); undefined for a stream or type the projection does not read.
 */
export function decodeEvent(recorded: RecordedEvent): DecodedEvent | undefined {
  const category = projectedCategory(recorded.streamId);
  if (category === undefined || !allEvents.has(recorded.type)) return undefined;
  const data = allEvents.upcast(recorded.type, recorded.schemaVersion, recorded.data);
  const id = recorded.streamId.slice(category.length + 1);
  return { category, id, recorded, event: { type: recorded.type, data } } as DecodedEvent;
}
