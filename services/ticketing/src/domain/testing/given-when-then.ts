import { expect } from '@jest/globals';
import { ticketEvents, type TicketEvent } from '@livedesk/contracts';
import { decide } from '../decide.js';
import { DomainError, type DomainErrorCode } from '../domain-error.js';
import type { TicketCommand } from '../ticket-commands.js';
import { evolve, initialState, type StoredTicketEvent, type TicketState } from '../ticket-state.js';

/** The time of the first event of a test stream; each later event comes a second after. */
export const t0 = new Date('2026-03-02T09:00:00.000Z');

export function stored(events: readonly TicketEvent[], fromVersion = 0): StoredTicketEvent[] {
  return events.map((event, index) => {
    const version = fromVersion + index + 1;
    return { ...event, eventId: `event-${version}`, version, occurredAt: new Date(t0.getTime() + (version - 1) * 1000) };
  });
}

export function stateOf(events: readonly TicketEvent[], from: TicketState = initialState): TicketState {
  return stored(events, from.version).reduce(evolve, from);
}

/** Each event's data must be exactly what the contracts' schema accepts (no missing or extra keys). */
function expectValidEvents(events: readonly TicketEvent[]): void {
  for (const event of events) {
    const parsed = ticketEvents[event.type].schema.safeParse(event.data);
    expect(parsed.success ? parsed.data : parsed.error.message).toStrictEqual(event.data);
  }
}

/** given(history).when(command).then(events) | .thenNothing() | .thenRefuses(code, reason). */
export function given(history: readonly TicketEvent[]) {
  const state = stateOf(history);
  return {
    state,
    when(command: TicketCommand) {
      const run = () => decide(command, state);
      return {
        then(expected: readonly TicketEvent[]): TicketState {
          const events = run();
          expect(events).toStrictEqual(expected);
          expectValidEvents(events);
          return stateOf(events, state);
        },
        thenNothing(): void {
          expect(run()).toStrictEqual([]);
        },
        thenRefuses(code: DomainErrorCode, reason: string): void {
          let error: unknown;
          try {
            run();
          } catch (caught) {
            error = caught;
          }
          if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
          expect({ code: error.code, reason: error.reason }).toStrictEqual({ code, reason });
          expect(error.message).toMatch(/^[A-Z].*\.$/);
        },
      };
    },
  };
}
