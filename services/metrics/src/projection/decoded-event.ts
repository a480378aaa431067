import {
  allEvents,
  streamCategory,
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

const PROJECTED = new Set(['conversation', 'sla', 'slapolicy', 'agent', 'organization', 'ticket']);

/**
 * A stored event as the projector reads it: upcast (not validated again: the event store holds
 * validated events only); none for a stream or type the projection does not read.
 */
export function decodeEvent(recorded: RecordedEvent): DecodedEvent[] {
  const category = streamCategory(recorded.streamId);
  if (!PROJECTED.has(category) || !allEvents.has(recorded.type)) return [];
  const data = allEvents.upcast(recorded.type, recorded.schemaVersion, recorded.data);
  const id = recorded.streamId.slice(category.length + 1);
  return [{ category, id, recorded, event: { type: recorded.type, data } } as DecodedEvent];
}
