import { expect } from '@jest/globals';
import { conversationEvents, type ConversationEvent } from '@livedesk/contracts';
import type { ConversationCommand } from '../conversation-commands.js';
import { evolve, initialState, type ConversationState, type StoredConversationEvent } from '../conversation-state.js';
import { decide } from '../decide.js';
import { DomainError, type DomainErrorCode } from '../domain-error.js';

/** The time of the first event of a test stream; each later event comes a second after. */
export const t0 = new Date('2026-03-02T09:00:00.000Z');

/** Events as their stream would store them, from version `fromVersion` + 1 on. */
export function stored(events: readonly ConversationEvent[], fromVersion = 0): StoredConversationEvent[] {
  return events.map((event, index) => {
    const version = fromVersion + index + 1;
    return { ...event, eventId: `event-${version}`, version, occurredAt: new Date(t0.getTime() + (version - 1) * 1000) };
  });
}

export function stateOf(events: readonly ConversationEvent[], from: ConversationState = initialState): ConversationState {
  return stored(events, from.version).reduce(evolve, from);
}

/** Each event's data must be exactly what the contracts' schema accepts (no missing or extra keys). */
export function expectValidEvents(events: readonly ConversationEvent[]): void {
  for (const event of events) {
    const parsed = conversationEvents[event.type].schema.safeParse(event.data);
    expect(parsed.success ? parsed.data : parsed.error.message).toStrictEqual(event.data);
  }
}

/**
 * given(history).when(command).then(events) — or .thenNothing() for an idempotent repeat,
 * or .thenRefuses(code, reason). `then` also checks the events against their schemas and
 * answers the state after them, for further assertions.
 */
export function given(history: readonly ConversationEvent[]) {
  const state = stateOf(history);
  return {
    state,
    when(command: ConversationCommand) {
      const run = () => decide(command, state);
      return {
        then(expected: readonly ConversationEvent[]): ConversationState {
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

function refusalOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the command to be refused, but it was accepted');
}
