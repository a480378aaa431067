import { allEvents } from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';
import { evolve, initialState, type StoredTicketEvent, type TicketState } from '../domain/index.js';

export function ticketStreamId(ticketId: string): string {
  return `ticket-${ticketId}`;
}

/** A stored event read back into the decider's terms, upcast to the current schema. */
export function toStoredTicketEvent(event: RecordedEvent): StoredTicketEvent {
  const data = allEvents.decode(event.type, event.schemaVersion, event.data);
  return { type: event.type, data, eventId: event.eventId, version: event.streamVersion, occurredAt: event.occurredAt } as StoredTicketEvent;
}

export interface LoadedTicket {
  organizationId: string | undefined;
  state: TicketState;
}

export function foldTicket(events: readonly RecordedEvent[]): LoadedTicket {
  let state: TicketState = initialState;
  for (const event of events) state = evolve(state, toStoredTicketEvent(event));
  return { organizationId: events[0]?.organizationId, state };
}
