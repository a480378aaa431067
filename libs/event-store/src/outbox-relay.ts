import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConnectionWatch, NatsConnectionLostError, untilJetStreamAnswers } from '@livedesk/messaging';
import { eventSubject } from '@livedesk/contracts';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { tryLeaderSession } from './leader-session.js';
import type { Logger } from 'pino';
import { EVENTS_APPENDED_CHANNEL } from './append-notifier.js';
import type { EventStoreTables } from './database.js';
import { toEnvelope } from './envelope.js';
import { ensureEventStream } from './event-stream.js';
import { readAll } from './read-all.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoints.js';
import { START, type GlobalCheckpoint, type RecordedEvent } from './types.js';

export interface OutboxRelayOptions {
  db: Kysely<EventStoreTables>;
  /** For the relay's own session: it holds the leadership lock and LISTENs for appends. */
  databaseUrl: string;
  nats: NatsConnection;
  streamName: string;
  subjectPrefix: string;
  /** JetStream replicas of the event stream (3 on a NATS cluster). */
  replicas?: number;
  /** Events read and published per round (default 500). */
  batchSize?: number;
  /** Poll this often even without a notification, in case one was lost (default 1000 ms). */
  fallbackPollMs?: number;
  /**
   * The checkpoint is stored at most this often (default 250 ms), and when the relay runs out
   * of events or stops. Under load that saves a statement per round; a crash re-publishes at
   * most this much, and JetStream drops the repeats (duplicate window: minutes).
   */
  checkpointIntervalMs?: number;
  /**
   * After a wake-up, wait this long for more commits before reading (default 2 ms): under load
   * one read then carries many events instead of one read per append.
   */
  coalesceMs?: number;
  /** How often a standby relay tries to become the leader (default 1000 ms). */
  leadershipRetryMs?: number;
  logger?: Logger;
  /** Called after a batch is published and before its checkpoint is stored (fault injection in tests). */
  afterPublish?: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Called after a batch is published and acknowledged (its checkpoint may be stored later). */
  onPublished?: (events: readonly RecordedEvent[]) => void;
}

const RELAY_READER = 'outbox-relay';
/** A read held back by an in-flight transaction is retried this soon. */
const HELD_BACK_RETRY_MS = 5;

/**
 * Publishes committed events to JetStream in commit-safe order (see read-all.ts), with the event
 * id as message id, then moves its checkpoint. A crash between publishing and the checkpoint
 * re-publishes those events on restart; JetStream drops them as duplicates within its window.
 *
 * Any number of relays may run; a session-level advisory lock makes one of them the leader, and
 * a standby takes over when the leader's session ends (crash, network loss, shutdown).
 */
export class OutboxRelay {
  private readonly js: JetStreamClient;
  private watch: ConnectionWatch | undefined;
  private session: pg.Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A notification that came while the relay was not sleeping: the next sleep returns at once. */
  private wakeRequested = false;
  private checkpoint: GlobalCheckpoint = START;
  /** The checkpoint as stored; `checkpoint` runs ahead of it between saves. */
  private savedCheckpoint: GlobalCheckpoint = START;
  private savedAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.js = jetstream(options.nats);
  }

  get isLeader(): boolean {
    return this.session !== undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await ensureEventStream(await jetstreamManager(this.options.nats), {
      name: this.options.streamName,
      subjectPrefix: this.options.subjectPrefix,
      replicas: this.options.replicas ?? 1,
    });
    this.watch = new ConnectionWatch(this.options.nats);
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in hand, stores the checkpoint, then gives up leadership. */
  async stop(): Promise<void> {
    this.running = false;
    this.requestWake();
    await this.loop;
    if (this.session) await this.saveCheckpoint().catch(() => undefined);
    await this.releaseSession();
    this.watch?.stop();
  }

  /**
   * Wakes this relay when it is the leader and answers true; false otherwise. An appender in
   * the leader's own process wakes it directly, without a NOTIFY round trip through Postgres.
   */
  wakeIfLeader(): boolean {
    if (!this.running || !this.session) return false;
    this.requestWake();
    return true;
  }

  /** Stops at once, as a crashed process would: no checkpoint for a batch in hand. */
  async kill(): Promise<void> {
    this.running = false;
    this.session?.end().catch(() => undefined);
    this.session = undefined;
    this.requestWake();
    await this.loop?.catch(() => undefined);
    this.watch?.stop();
  }

  private async run(): Promise<void> {
    const log = this.options.logger;
    while (this.running) {
      try {
        if (!this.session && !(await this.becomeLeader())) {
          await this.sleep(this.options.leadershipRetryMs ?? 1000);
          continue;
        }
        const read = await readAll(this.options.db, { after: this.checkpoint, limit: this.options.batchSize ?? 500 });
        if (read.events.length > 0) {
          await this.publish(read.events);
          await this.options.afterPublish?.(read.events);
          if (!this.running || !this.session) break;
          this.checkpoint = read.checkpoint;
          if (Date.now() - this.savedAt >= (this.options.checkpointIntervalMs ?? 250)) await this.saveCheckpoint();
          this.options.onPublished?.(read.events);
          continue;
        }
        // Out of events (not merely held back by a transaction in flight): store where we are.
        if (!read.heldBack) await this.saveCheckpoint();
        await this.sleep(read.heldBack ? HELD_BACK_RETRY_MS : (this.options.fallbackPollMs ?? 1000));
      } catch (error) {
        if (!this.running) break;
        if (error instanceof NatsConnectionLostError) {
          // NATS went away under the batch (or was away): the acks of what was sent are not
          // coming, and waiting out the publish timeouts kept pushes seconds late after NATS
          // returned. Keep the leadership and the checkpoint (everything before it was acked),
          // wait until JetStream answers again, and publish the batch again: JetStream drops
          // the repeats by message id.
          log?.warn('NATS is away; the outbox relay publishes again once JetStream answers');
          await untilJetStreamAnswers(this.options.nats, this.watch!, { stopped: () => !this.running });
          continue;
        }
        log?.error({ err: error }, 'outbox relay round failed; retrying from the stored checkpoint');
        // Some events of the batch may be published already; starting again from the stored
        // checkpoint re-publishes them and JetStream drops the repeats.
        await this.releaseSession();
        await this.sleep(500);
      }
    }
  }

  private async publish(events: readonly RecordedEvent[]): Promise<void> {
    // Pipelined on one connection: the server stores them in the order sent, so the order of
    // each stream is kept; every publish must be acknowledged before the checkpoint moves.
    await this.watch!.unlessDisconnected(() =>
      Promise.all(
        events.map((event) =>
          this.js.publish(eventSubject(this.options.subjectPrefix, event.streamId), JSON.stringify(toEnvelope(event)), {
            msgID: event.eventId,
            expect: { streamName: this.options.streamName },
          }),
        ),
      ),
    );
  }

  private async becomeLeader(): Promise<boolean> {
    // One active relay per database; the lock ends with the session.
    const session = await tryLeaderSession(this.options.databaseUrl, 'livedesk.outbox-relay', 'livedesk-outbox-relay');
    if (!session) return false;
    session.on('notification', () => this.requestWake());
    session.on('end', () => {
      if (this.session === session) this.session = undefined;
    });
    await session.query(`LISTEN ${EVENTS_APPENDED_CHANNEL}`);
    this.session = session;
    this.checkpoint = (await loadCheckpoint(this.options.db, RELAY_READER)) ?? START;
    this.savedCheckpoint = this.checkpoint;
    this.savedAt = Date.now();
    this.options.logger?.info({ checkpoint: this.checkpoint }, 'outbox relay is the leader');
    return true;
  }

  private async saveCheckpoint(): Promise<void> {
    if (this.checkpoint === this.savedCheckpoint) return;
    const checkpoint = this.checkpoint;
    await saveCheckpoint(this.options.db, RELAY_READER, checkpoint);
    this.savedCheckpoint = checkpoint;
    this.savedAt = Date.now();
  }

  private async releaseSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.end().catch(() => undefined);
  }

  private requestWake(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    const coalesceMs = this.options.coalesceMs ?? 2;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      let woken = false;
      const done = () => {
        clearTimeout(timer);
        this.wakeRequested = false;
        this.wake = undefined;
        resolve();
      };
      // Woken (now or by a wake-up that came during the last round): read after a short
      // pause that lets the commits of the moment pile up.
      const wake = () => {
        if (woken) return;
        woken = true;
        clearTimeout(timer);
        timer = setTimeout(done, coalesceMs);
      };
      timer = setTimeout(done, ms);
      this.wake = wake;
      if (this.wakeRequested || !this.running) wake();
    });
  }
}
