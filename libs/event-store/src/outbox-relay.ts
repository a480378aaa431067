import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { setTimeout as pause } from 'node:timers/promises';
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
import { byReferenceEnvelope } from './by-reference.js';
import { errorText, OUTBOX_RELAY_READER, parkEvent, type ParkReason } from './dead-letters.js';
import { DeadLetterReplayer } from './dead-letter-replayer.js';
import { exceedsMaxPayload, isPermanentRefusal } from './publish-refusal.js';

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
   * After a wake-up, and after a batch short of `batchSize`, wait this long for more commits
   * before reading (default 2 ms): under load one read then carries many events instead of one
   * read per append.
   */
  coalesceMs?: number;
  /** How often a standby relay tries to become the leader (default 1000 ms). */
  leadershipRetryMs?: number;
  logger?: Logger;
  /** Called after a batch is published and before its checkpoint is stored (fault injection in tests). */
  afterPublish?: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Called after a batch is published and acknowledged (its checkpoint may be stored later). */
  onPublished?: (events: readonly RecordedEvent[]) => void;
  /** Called after an event was parked (published as a placeholder; docs/dead-letters.md). */
  onParked?: (event: RecordedEvent, reason: ParkReason) => void;
  /** How often the leader looks for replays operators asked for (default 2000 ms). */
  replayPollMs?: number;
}

/** NATS's default max_payload, for a connection that has not received the server's INFO. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

interface Outgoing {
  event: RecordedEvent;
  body: string;
  /** Set for a placeholder: the relay parked the event, and publishes this instead. */
  placeholder: boolean;
}

const RELAY_READER = OUTBOX_RELAY_READER;
/** A read held back by an in-flight transaction is retried this soon. */
const HELD_BACK_RETRY_MS = 5;

/**
 * Publishes committed events to JetStream in commit-safe order (see read-all.ts), with the event
 * id as message id, then moves its checkpoint. A crash between publishing and the checkpoint
 * re-publishes those events on restart; JetStream drops them as duplicates within its window.
 *
 * Any number of relays may run; a session-level advisory lock makes one of them the leader, and
 * a standby takes over when the leader's session ends (crash, network loss, shutdown).
 *
 * A poison event never stops the line: an event NATS can never take (its envelope exceeds the
 * server's max_payload, or JetStream refuses that one message for good) is parked in
 * `event_store.dead_letters` and published as a small placeholder in its place (by-reference.ts),
 * so every reader's position moves past it and subscriptions read it from the store; the
 * events after it go on. Transient failures (NATS away, timeouts) are retried, never parked.
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
  /**
   * Events past the checkpoint that JetStream acknowledged before a later event of their batch
   * failed: the retry leaves them out, so they are not stored twice however long the failure
   * lasts (JetStream's duplicate window only covers minutes).
   */
  private readonly publishedAhead = new Set<string>();
  private readonly replayer: DeadLetterReplayer;

  constructor(private readonly options: OutboxRelayOptions) {
    this.js = jetstream(options.nats);
    this.replayer = new DeadLetterReplayer({
      db: options.db,
      reader: RELAY_READER,
      pollMs: options.replayPollMs,
      active: () => this.isLeader,
      replay: (event) => this.republish(event),
      logger: options.logger,
    });
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
    this.replayer.start();
  }

  /** Finishes the batch in hand, stores the checkpoint, then gives up leadership. */
  async stop(): Promise<void> {
    this.running = false;
    await this.replayer.stop();
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
    void this.replayer.stop();
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
          // A batch short of the limit read every event committed by then: the next read waits
          // a moment for the commits of the moment to pile up, as after a wake-up, instead of
          // reading them a few at a time (under a steady load, reads of two or three events).
          if (read.events.length < (this.options.batchSize ?? 500)) await pause(this.options.coalesceMs ?? 2);
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
        // A failed publish stored the checkpoint up to the failure, and the events acknowledged
        // after it are left out of the retry (publishedAhead); this process usually leads again
        // at once. A relay elsewhere that takes over re-publishes them, and JetStream drops the
        // repeats within its duplicate window.
        await this.releaseSession();
        await this.sleep(500);
      }
    }
  }

  private async publish(events: readonly RecordedEvent[]): Promise<void> {
    const maxPayload = this.options.nats.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    const outgoing: Outgoing[] = [];
    for (const event of events) {
      if (this.publishedAhead.has(event.eventId)) continue;
      const body = JSON.stringify(toEnvelope(event));
      const bytes = Buffer.byteLength(body, 'utf8');
      if (!exceedsMaxPayload(bytes, maxPayload)) {
        outgoing.push({ event, body, placeholder: false });
        continue;
      }
      // Checked before sending, so the placeholder takes the event's place in its stream's order.
      await this.park(
        event,
        'too_large',
        `the envelope has ${bytes} bytes; the NATS server takes ${maxPayload} at the most (max_payload)`,
      );
      outgoing.push({
        event,
        body: JSON.stringify(byReferenceEnvelope(event, { reason: 'too_large', envelopeBytes: bytes })),
        placeholder: true,
      });
    }
    // Pipelined on one connection: the server stores them in the order sent, so the order of
    // each stream is kept; every publish must be acknowledged before the checkpoint moves.
    // A connection that drops fails the whole round at once (NatsConnectionLostError, see run()).
    const results = await this.watch!.unlessDisconnected(() =>
      Promise.allSettled(outgoing.map((message) => this.send(message))),
    );
    let failure: { index: number; error: unknown } | undefined;
    for (const [i, result] of results.entries()) {
      const message = outgoing[i]!;
      if (result.status === 'rejected' && !failure && !message.placeholder && isPermanentRefusal(result.reason)) {
        // Refused for good after it was sent: parked, and its placeholder follows the events
        // sent after it (their consumers wait for it as for any late predecessor).
        const bytes = Buffer.byteLength(message.body, 'utf8');
        await this.park(message.event, 'refused', errorText(result.reason));
        const placeholder = {
          event: message.event,
          body: JSON.stringify(byReferenceEnvelope(message.event, { reason: 'refused', envelopeBytes: bytes })),
          placeholder: true,
        };
        const sent = await this.watch!.unlessDisconnected(() => this.send(placeholder)).then(
          () => undefined,
          (error: unknown) => {
            if (error instanceof NatsConnectionLostError) throw error;
            return error;
          },
        );
        if (sent === undefined) continue;
        failure = { index: i, error: sent };
      } else if (result.status === 'rejected') {
        failure ??= { index: i, error: result.reason };
      }
      if (failure && result.status === 'fulfilled') this.publishedAhead.add(message.event.eventId);
    }
    if (!failure) {
      for (const event of events) this.publishedAhead.delete(event.eventId);
      return;
    }
    // Keep what got through: the checkpoint moves to the last event before the failure, and
    // the acknowledged events after it are left out of the retry (publishedAhead).
    const failed = outgoing[failure.index]!.event;
    const before = events.slice(0, events.indexOf(failed)).at(-1);
    if (before) {
      for (const event of events.slice(0, events.indexOf(failed))) this.publishedAhead.delete(event.eventId);
      this.checkpoint = { transactionId: before.transactionId, globalPosition: before.globalPosition };
      await this.saveCheckpoint();
    }
    throw failure.error;
  }

  private send(message: Outgoing): Promise<unknown> {
    return this.js.publish(eventSubject(this.options.subjectPrefix, message.event.streamId), message.body, {
      msgID: message.event.eventId,
      expect: { streamName: this.options.streamName },
    });
  }

  private async park(event: RecordedEvent, reason: ParkReason, error: string): Promise<void> {
    await parkEvent(this.options.db, { reader: RELAY_READER, event, reason, error, attempts: 1 });
    this.options.logger?.error(
      {
        eventId: event.eventId,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        organizationId: event.organizationId,
        type: event.type,
        reason,
        error,
      },
      'event parked by the outbox relay: published as a placeholder, readers move past it (docs/dead-letters.md)',
    );
    this.options.onParked?.(event, reason);
  }

  /**
   * An operator's replay of an event this relay parked: published whole if it fits now (the
   * server's max_payload was raised), under a message id of its own, for the followers that
   * only saw its placeholder (subscriptions read it from the store and find it applied).
   */
  private async republish(event: RecordedEvent): Promise<void> {
    const body = JSON.stringify(toEnvelope(event));
    const bytes = Buffer.byteLength(body, 'utf8');
    const maxPayload = this.options.nats.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    if (exceedsMaxPayload(bytes, maxPayload))
      throw new Error(`the envelope still has ${bytes} bytes; the NATS server takes ${maxPayload} at the most`);
    await this.js.publish(eventSubject(this.options.subjectPrefix, event.streamId), body, {
      msgID: `${event.eventId}.replay`,
      expect: { streamName: this.options.streamName },
    });
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
    const stored = (await loadCheckpoint(this.options.db, RELAY_READER)) ?? START;
    // Another leader went on meanwhile: what this one published ahead is behind the checkpoint.
    if (
      stored.transactionId !== this.savedCheckpoint.transactionId ||
      stored.globalPosition !== this.savedCheckpoint.globalPosition
    )
      this.publishedAhead.clear();
    this.checkpoint = stored;
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
