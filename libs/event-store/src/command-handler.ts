import type { Kysely, Transaction } from 'kysely';
import { setTimeout as pause } from 'node:timers/promises';
import { append, type AppendAlso } from './append.js';
import {
  DEFAULT_RETRY,
  emptyStream,
  eventsToAppend,
  expectedVersionAt,
  foldStream,
  repeatedEvents,
  retriesAfterConflict,
  storedEventsOf,
  type CommandContext,
  type DecidedEvent,
  type Decider,
  type EventCodec,
  type LoadedStream,
  type RetryPolicy,
  type StoredEvent,
} from './decider.js';
import { StreamOwnershipError, StreamVersionConflictError } from './errors.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { readStream } from './read-stream.js';
import type { NewEvent, RecordedEvent } from './types.js';

/** What a command changed, for the writes that commit with its events. */
export interface DecidedChange<Event extends DecidedEvent, State> {
  streamId: string;
  decided: readonly Event[];
  /** The appended events as `evolve` read them. */
  events: StoredEvent<Event>[];
  before: State;
  after: State;
}

/** The last known state of recently used streams, so that a command needs no read before its append. */
export interface StreamSnapshots<State> {
  get(streamId: string): LoadedStream<State> | undefined;
  set(streamId: string, loaded: LoadedStream<State>): void;
  forget(streamId: string): void;
}

export interface CommandHandlerOptions<DB, Command, Event extends DecidedEvent, State> {
  /** The service's database; the events and the service's own writes commit in it. */
  db: Kysely<DB>;
  /** Woken after every append that stored events (the service's `EventStore`). */
  relay: { notifyAppended(): void };
  decider: Decider<Command, Event, State>;
  codec: EventCodec;
  /**
   * The service's namespace (a UUID) of the event ids it derives from command ids. Keep it once
   * chosen: a repeat of a command stored before must derive the same ids.
   */
  idNamespace: string;
  /** Another organization's stream answers like one that does not exist: the service's refusal. */
  notFound(streamId: string): Error;
  /** The refusal of a command that waited longer than its caller (`CommandContext.expiresAt`). */
  expired?(): Error;
  /**
   * Refusals that the repeat of an applied command may meet (a create finding the stream it
   * created): the stream is then searched for the command's events, and a repeat answers
   * `repeat`. Other refusals are thrown as they are.
   */
  isRepeatRefusal?(error: unknown): boolean;
  retry?: RetryPolicy;
  /** The time the events occurred at (the service's clock; tests move it). */
  clock?: { now(): Date };
  /** Where the service keeps the states it folded; without, each attempt reads the stream. */
  snapshots?: StreamSnapshots<State>;
  /**
   * Commands that only a stream not written yet accepts (a create, whose stream id is new).
   * Without a snapshot, such a command is decided on the empty stream without reading it, and
   * appended expecting no stream: a create costs no read. Should the stream exist after all,
   * the append says so (a repeat of the command, a version conflict, another organization's
   * stream), and the handler then reads the stream and decides again, as after any conflict.
   */
  createsStream?(command: Command): boolean;
  /**
   * How the handler reads a stream it holds no snapshot of (default: `readStream`, a statement
   * each). A service whose commands often miss their snapshots (a burst longer than its cache)
   * can read many streams in one statement (`readStreams` behind a `MicroBatcher`).
   */
  readStream?(streamId: string): Promise<RecordedEvent[]>;
  /** A write that commits in the append's own statement (one round trip). */
  alsoWrite?(change: DecidedChange<Event, State>, context: CommandContext): AppendAlso | undefined;
  /** Writes that commit in the append's transaction (the append then runs in one). */
  project?(trx: Transaction<DB>, change: DecidedChange<Event, State>, context: CommandContext): Promise<void>;
  /**
   * Group commit (GroupCommit): the appends of commands on different streams that arrive while
   * one is being written go together in one statement, one transaction. Each command keeps its
   * own answer, conflict and refusal. An append with a write of its own goes alone, unless that
   * write has a form many appends share (`AppendAlso.many`); with `project`, always alone.
   * Without this option every append is its own statement.
   */
  groupCommit?: GroupCommitOptions;
}

export type CommandResult<Event extends DecidedEvent, State> =
  /** The command's events are stored; `version` is the stream's version after them. */
  | { status: 'appended'; streamId: string; state: State; version: number; events: StoredEvent<Event>[] }
  /** The command decided nothing: nothing was stored. */
  | { status: 'unchanged'; streamId: string; state: State; version: number }
  /**
   * The command was applied before (the same command id): nothing was stored now. `events` are
   * the ones it stored then, `version` the version of the last of them.
   */
  | { status: 'repeat'; streamId: string; state: State; version: number; events: RecordedEvent[] };

/**
 * Runs commands on event-sourced streams (after Emmett's `DeciderCommandHandler`): load the
 * stream (or the snapshot the service keeps), decide, encode, append with the expected version
 * (with the service's own writes, in the same statement or transaction), wake the relay; on a
 * version conflict, load and decide again within the retry policy. Event ids derive from the
 * command id, so a repeated command stores nothing twice.
 */
export class CommandHandler<DB, Command, Event extends DecidedEvent, State> {
  private readonly retry: RetryPolicy;
  private readonly group: GroupCommit<DB> | undefined;

  constructor(private readonly options: CommandHandlerOptions<DB, Command, Event, State>) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.group = options.groupCommit ? new GroupCommit(options.db, options.groupCommit) : undefined;
  }

  /** The stream as it is now (the snapshot, if the service keeps one). */
  async load(streamId: string): Promise<LoadedStream<State>> {
    const known = this.options.snapshots?.get(streamId);
    if (known) return known;
    return foldStream(this.options.decider, this.options.codec, await this.read(streamId));
  }

  async handle(streamId: string, command: Command, context: CommandContext): Promise<CommandResult<Event, State>> {
    const { decider, snapshots } = this.options;
    const startedAt = Date.now();
    // A create is first decided on the empty stream, unread; once an append says otherwise, never again.
    let guessNew = this.options.createsStream?.(command) === true;
    for (let conflicts = 0; ; ) {
      if (context.expiresAt !== undefined && Date.now() > context.expiresAt) {
        throw this.options.expired?.() ?? new Error(`command ${context.commandId} expired before it was applied`);
      }
      const guessed = guessNew && !snapshots?.get(streamId);
      const loaded = guessed ? emptyStream(decider) : await this.load(streamId);
      this.checkOwner(streamId, loaded, context);
      let decided: readonly Event[];
      try {
        decided = decider.decide(command, loaded.state);
      } catch (error) {
        // Refused on the guess: decided again on the stream as it is, so a refusal is always the real one.
        if (guessed) {
          guessNew = false;
          continue;
        }
        if (this.options.isRepeatRefusal?.(error)) {
          const repeat = await this.findRepeat(streamId, context);
          if (repeat.events && repeat.events.length > 0) {
            return { status: 'repeat', streamId, state: loaded.state, version: repeat.version, events: repeat.events };
          }
        }
        throw error;
      }
      if (decided.length === 0) {
        if (guessed) {
          guessNew = false;
          continue;
        }
        return { status: 'unchanged', streamId, state: loaded.state, version: loaded.version };
      }

      const occurredAt = this.options.clock?.now() ?? new Date();
      const newEvents = eventsToAppend(this.options.codec, decided, context, this.options.idNamespace, occurredAt);
      const events = storedEventsOf<Event>(newEvents, loaded.version, occurredAt);
      const after = events.reduce<State>((state, event) => decider.evolve(state, event), loaded.state);
      const change: DecidedChange<Event, State> = { streamId, decided, events, before: loaded.state, after };
      try {
        const result = await this.append(change, newEvents, loaded.version, context);
        if (result.duplicate) {
          // The same event ids are stored already: this command was applied before.
          snapshots?.forget(streamId);
          const repeat = await this.findRepeat(streamId, context);
          const state = foldStream(decider, this.options.codec, repeat.history).state;
          return {
            status: 'repeat',
            streamId,
            state,
            version: result.nextExpectedVersion,
            events: repeat.events ?? [],
          };
        }
        this.options.relay.notifyAppended();
        const version = result.nextExpectedVersion;
        snapshots?.set(streamId, { organizationId: context.organizationId, state: after, version });
        return { status: 'appended', streamId, state: after, version, events };
      } catch (error) {
        snapshots?.forget(streamId);
        guessNew = false;
        // A wrong guess of a new stream is no race with another writer: read it at once.
        if (error instanceof StreamVersionConflictError && guessed) continue;
        if (
          error instanceof StreamVersionConflictError &&
          retriesAfterConflict(this.retry, ++conflicts, startedAt, Date.now())
        ) {
          await pause(this.retry.pauseMs(conflicts));
          continue;
        }
        if (error instanceof StreamOwnershipError) throw this.options.notFound(streamId);
        throw error;
      }
    }
  }

  private async append(
    change: DecidedChange<Event, State>,
    newEvents: readonly NewEvent[],
    version: number,
    context: CommandContext,
  ) {
    const { db, project, alsoWrite } = this.options;
    const expected = expectedVersionAt(version);
    const also = alsoWrite?.(change, context);
    if (!project && this.group && (!also || also.many))
      return this.group.append(change.streamId, context.organizationId, newEvents, expected, also);
    if (!project) return append(db, change.streamId, context.organizationId, newEvents, expected, also);
    return db.transaction().execute(async (trx) => {
      const result = await append(trx, change.streamId, context.organizationId, newEvents, expected, also);
      if (!result.duplicate) await project(trx, change, context);
      return result;
    });
  }

  private read(streamId: string): Promise<RecordedEvent[]> {
    return this.options.readStream ? this.options.readStream(streamId) : readStream(this.options.db, streamId);
  }

  private checkOwner(streamId: string, loaded: { organizationId: string | undefined }, context: CommandContext): void {
    // Another organization's stream answers exactly like a stream that does not exist.
    if (loaded.organizationId !== undefined && loaded.organizationId !== context.organizationId)
      throw this.options.notFound(streamId);
  }

  /** The stream, and the events the command stored before if this is a repeat of it. */
  private async findRepeat(
    streamId: string,
    context: CommandContext,
  ): Promise<{ history: RecordedEvent[]; events: RecordedEvent[] | undefined; version: number }> {
    const history = await this.read(streamId);
    this.checkOwner(streamId, { organizationId: history[0]?.organizationId }, context);
    const events = repeatedEvents(history, context.commandId, this.options.idNamespace);
    return { history, events, version: events?.at(-1)?.streamVersion ?? 0 };
  }
}
