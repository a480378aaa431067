import type { Kysely } from 'kysely';
import { AppendNotifier } from './append-notifier.js';
import { append } from './append.js';
import type { EventStoreTables } from './database.js';
import { readAll, type ReadAllResult } from './read-all.js';
import { readStream, readStreams, streamVersion } from './read-stream.js';
import type { AppendResult, ExpectedVersion, GlobalCheckpoint, NewEvent, RecordedEvent } from './types.js';

/** The event store as services use it: the functions of this library over one database. */
export class EventStore {
  private readonly notifier: AppendNotifier;
  private localRelay: { wakeIfLeader(): boolean } | undefined;

  constructor(readonly db: Kysely<EventStoreTables>) {
    this.notifier = new AppendNotifier(db);
  }

  /**
   * Appends outside any transaction (`append`) and wakes the relay: for events that record a
   * fact rather than decide a command (an agent's status) and for tests. Commands go through
   * `CommandHandler`.
   */
  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    expectedVersion: ExpectedVersion,
    context: { organizationId: string },
  ): Promise<AppendResult> {
    const result = await append(this.db, streamId, context.organizationId, events, expectedVersion);
    if (!result.duplicate) this.notifyAppended();
    return result;
  }

  readStream(streamId: string, options?: { afterVersion?: number; limit?: number }): Promise<RecordedEvent[]> {
    return readStream(this.db, streamId, options);
  }

  /** Many streams' events in one statement (`readStreams`). */
  readStreams(reads: readonly { streamId: string; afterVersion: number }[]): Promise<Map<string, RecordedEvent[]>> {
    return readStreams(this.db, reads);
  }

  streamVersion(streamId: string): Promise<number | undefined> {
    return streamVersion(this.db, streamId);
  }

  readAll(options?: { after?: GlobalCheckpoint; limit?: number }): Promise<ReadAllResult> {
    return readAll(this.db, options);
  }

  /** Wakes the relay; call after committing a transaction that appended with `append(trx, …)`. */
  notifyAppended(): void {
    if (this.localRelay?.wakeIfLeader()) return;
    this.notifier.poke();
  }

  /**
   * The relay of this process, if it runs one: while it leads, appends wake it directly and
   * send no NOTIFY (a statement per append saved); otherwise the leader elsewhere is notified.
   */
  attachRelay(relay: { wakeIfLeader(): boolean }): void {
    this.localRelay = relay;
  }
}
