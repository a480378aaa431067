import { allEvents, type TicketEvent } from '@livedesk/contracts';
import { foldStream, toStoredEvent, type Decider, type LoadedStream, type RecordedEvent } from '@livedesk/event-store';
import {
  decide,
  evolve,
  initialState,
  type StoredTicketEvent,
  type TicketCommand,
  type TicketState,
} from '../domain/index.js';

/** The ticket's domain core, as the command handler runs it. */
export const ticketDecider: Decider<TicketCommand, TicketEvent, TicketState> = { decide, evolve, initialState };

export function ticketStreamId(ticketId: string): string {
  return `ticket-${ticketId}`;
}

/** A stored event read back into the decider's terms, upcast to the current schema. */
export function toStoredTicketEvent(event: RecordedEvent): StoredTicketEvent {
  return toStoredEvent<TicketEvent>(allEvents, event);
}

export type LoadedTicket = LoadedStream<TicketState>;

export function foldTicket(events: readonly RecordedEvent[]): LoadedTicket {
  return foldStream(ticketDecider, allEvents, events);
}
