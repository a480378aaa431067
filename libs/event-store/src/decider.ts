import { commandEventId } from './command-event-ids.js';
import type { EventMetadata, ExpectedVersion, NewEvent, RecordedEvent } from './types.js';

/**
 * The pure parts of running a command (no I/O): fold a stream, turn decided events into events
 * to append and back into what `evolve` reads, recognise a command that was applied before.
 * `CommandHandler` puts them together with the database.
 */

/** An event as a decider decides it: a type and its data (a member of a contract's union). */
export interface DecidedEvent {
  type: string;
  data: unknown;
}

/** An event as a decider's `evolve` reads it: what was decided, with its id, version and time. */
export type StoredEvent<Event extends DecidedEvent> = Event & { eventId: string; version: number; occurredAt: Date };

/** A service's domain core: pure functions, tested without I/O. */
export interface Decider<Command, Event extends DecidedEvent, State> {
  /** The events a command makes on the current state; throws the domain's refusal. */
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: StoredEvent<Event>): State;
  initialState: State;
}

/** How events are written and read (the contracts' event registry, `allEvents`). */
export interface EventCodec {
  encode(type: string, data: unknown): { type: string; schemaVersion: number; data: unknown };
  /** Reads stored data as the current schema version (upcast). */
  decode(type: string, schemaVersion: number, data: unknown): unknown;
}

/** A stream as folded: the decider's state, the stream's version and the organization owning it. */
export interface LoadedStream<State> {
  organizationId: string | undefined;
  state: State;
  /** The version of the last event folded; 0 for a stream that does not exist. */
  version: number;
}

export interface CommandContext {
  organizationId: string;
  /** Idempotency: the ids of the events the command appends derive from it. */
  commandId: string;
  /** Stored in the events' metadata beside the correlation and causation ids (who asked, for audits). */
  metadata?: EventMetadata;
  /** Epoch milliseconds after which the command must not be applied any more (its caller gave up). */
  expiresAt?: number;
}

export function emptyStream<State>(
  decider: Pick<Decider<unknown, DecidedEvent, State>, 'initialState'>,
): LoadedStream<State> {
  return { organizationId: undefined, state: decider.initialState, version: 0 };
}

/** A stored event read back into the decider's terms, upcast to the current schema. */
export function toStoredEvent<Event extends DecidedEvent>(codec: EventCodec, event: RecordedEvent): StoredEvent<Event> {
  return {
    type: event.type,
    data: codec.decode(event.type, event.schemaVersion, event.data),
    eventId: event.eventId,
    version: event.streamVersion,
    occurredAt: event.occurredAt,
  } as StoredEvent<Event>;
}

/** Folds recorded events onto `from` (the empty stream, or a state known before). */
export function foldStream<Command, Event extends DecidedEvent, State>(
  decider: Decider<Command, Event, State>,
  codec: EventCodec,
  events: readonly RecordedEvent[],
  from: LoadedStream<State> = emptyStream(decider),
): LoadedStream<State> {
  let state = from.state;
  let version = from.version;
  for (const event of events) {
    state = decider.evolve(state, toStoredEvent<Event>(codec, event));
    version = event.streamVersion;
  }
  return { organizationId: from.organizationId ?? events[0]?.organizationId, state, version };
}

/** The expected version of an append decided on a stream at `version`. */
export function expectedVersionAt(version: number): ExpectedVersion {
  return version === 0 ? 'no_stream' : version;
}

/**
 * The events to append for what a command decided: encoded (validated against the contract),
 * with ids derived from the command id, the command id as correlation and causation.
 */
export function eventsToAppend(
  codec: EventCodec,
  decided: readonly DecidedEvent[],
  context: Pick<CommandContext, 'commandId' | 'metadata'>,
  idNamespace: string,
  occurredAt: Date,
): NewEvent[] {
  return decided.map((event, index) => ({
    eventId: commandEventId(idNamespace, context.commandId, index),
    ...codec.encode(event.type, event.data),
    metadata: { correlationId: context.commandId, causationId: context.commandId, ...context.metadata },
    occurredAt,
  }));
}

/** The appended events as `evolve` reads them, numbered after `version`. */
export function storedEventsOf<Event extends DecidedEvent>(
  events: readonly NewEvent[],
  version: number,
  occurredAt: Date,
): StoredEvent<Event>[] {
  return events.map(
    (event, index) =>
      ({
        type: event.type,
        data: event.data,
        eventId: event.eventId,
        version: version + index + 1,
        occurredAt,
      }) as StoredEvent<Event>,
  );
}

/**
 * The events a command stored before, when it is being repeated (a retry after a timeout): from
 * the first id it derives, those it correlates. Undefined when the command was never applied.
 */
export function repeatedEvents(
  events: readonly RecordedEvent[],
  commandId: string,
  idNamespace: string,
): RecordedEvent[] | undefined {
  const firstId = commandEventId(idNamespace, commandId, 0);
  const first = events.findIndex((event) => event.eventId === firstId);
  if (first < 0) return undefined;
  return events.slice(first).filter((event) => event.metadata.correlationId === commandId);
}

/**
 * How long a loser of an optimistic-concurrency race keeps deciding again: a time budget (at
 * most `budgetMs` after the command started) and, optionally, a number of lost races, with a
 * random pause in between that breaks the lockstep of two writers.
 */
export interface RetryPolicy {
  budgetMs: number;
  maxConflicts?: number;
  /** The pause before deciding again after the n-th lost race (n from 1). */
  pauseMs(conflicts: number): number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  budgetMs: 3000,
  maxConflicts: 100,
  pauseMs: (conflicts) => Math.random() * Math.min(100, 2 ** conflicts),
};

/** Whether a command that lost its `conflicts`-th race, started at `startedAt`, decides again at `now`. */
export function retriesAfterConflict(policy: RetryPolicy, conflicts: number, startedAt: number, now: number): boolean {
  return now < startedAt + policy.budgetMs && conflicts <= (policy.maxConflicts ?? Infinity);
}
