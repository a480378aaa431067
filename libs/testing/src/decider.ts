import { expect } from '@jest/globals';
import { DomainError, type DomainErrorCode } from '@livedesk/contracts';

/** An event as its stream stores it. */
export type Stored<E> = E & { eventId: string; version: number; occurredAt: Date };

/** The schema check of one event type (the contracts' registry entry). */
interface EventSchema {
  schema: {
    safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: { message: string } };
  };
}

/** A decider (docs/architecture.md, conventions): its pure `decide` and `evolve`, and the contracts' events it emits. */
export interface Decider<Command, Event extends { type: string; data: unknown }, State extends { version: number }> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Stored<Event>): State;
  initialState: State;
  events: Record<Event['type'], EventSchema>;
}

/** The time of the first event of a test stream; each later event comes a second after. */
export const t0 = new Date('2026-03-02T09:00:00.000Z');

/**
 * The given-when-then of a decider's unit tests:
 * `given(history).when(command).then(events)`, or `.thenNothing()` for an idempotent repeat, or
 * `.thenRefuses(code, reason)`. `then` also checks the events against their schemas and answers
 * the state after them, for further assertions.
 */
export function deciderSpec<Command, Event extends { type: string; data: unknown }, State extends { version: number }>(
  decider: Decider<Command, Event, State>,
) {
  /** Events as their stream would store them, from version `fromVersion` + 1 on. */
  function stored(events: readonly Event[], fromVersion = 0): Stored<Event>[] {
    return events.map((event, index) => {
      const version = fromVersion + index + 1;
      return {
        ...event,
        eventId: `event-${version}`,
        version,
        occurredAt: new Date(t0.getTime() + (version - 1) * 1000),
      };
    });
  }

  function stateOf(events: readonly Event[], from: State = decider.initialState): State {
    return stored(events, from.version).reduce(decider.evolve, from);
  }

  /** Each event's data must be exactly what the contracts' schema accepts (no missing or extra keys). */
  function expectValidEvents(events: readonly Event[]): void {
    for (const event of events) {
      const parsed = decider.events[event.type as Event['type']].schema.safeParse(event.data);
      expect(parsed.success ? parsed.data : parsed.error.message).toStrictEqual(event.data);
    }
  }

  function given(history: readonly Event[]) {
    const state = stateOf(history);
    return {
      state,
      when(command: Command) {
        const run = () => decider.decide(command, state);
        return {
          // biome-ignore lint/suspicious/noThenProperty: given/when/then reads as the decider's specification; the object is never awaited.
          then(expected: readonly Event[]): State {
            const events = run();
            expect(events).toStrictEqual(expected);
            expectValidEvents(events);
            return stateOf(events, state);
          },
          thenNothing(): void {
            expect(run()).toStrictEqual([]);
          },
          thenRefuses(code: DomainErrorCode, reason: string): void {
            const error = refusalOf(run);
            expect({ code: error.code, reason: error.reason }).toStrictEqual({ code, reason });
            expect(error.message).toMatch(/^[A-Z].*\.$/);
          },
        };
      },
    };
  }

  return { t0, stored, stateOf, expectValidEvents, given };
}

function refusalOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the command to be refused, but it was accepted');
}
