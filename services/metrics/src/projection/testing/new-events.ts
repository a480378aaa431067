import { randomUUID } from 'node:crypto';
import { allEvents } from '@livedesk/contracts';
import type { NewEvent } from '@livedesk/event-store';
import type { DecodedEvent } from '../decoded-event.js';

/** Mon 2026-03-02 10:00Z (11:00 in Warsaw): the instant the metrics specs count their seconds from. */
export const T0 = Date.parse('2026-03-02T10:00:00Z');

/** The instant `seconds` after T0. */
export const at = (seconds: number): Date => new Date(T0 + seconds * 1000);

/** An event of the streams the metrics projection reads. */
export type ProjectedEvent = DecodedEvent['event'];

/** A new event as the event store takes it (encoded by its contract, so validated), occurring `seconds` after T0. */
export function event(seconds: number, e: ProjectedEvent): NewEvent {
  return { eventId: randomUUID(), ...allEvents.encode(e.type, e.data), occurredAt: at(seconds) };
}
