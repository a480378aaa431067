import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { applyEvent, type ApplyOutcome, type EventHandler } from './apply-event.js';
import { isByReference } from './by-reference.js';
import { DeadLetterReplayer } from './dead-letter-replayer.js';
import { errorText, logParked, parkEvent } from './dead-letters.js';
import { isDependencyUnavailable } from './dependency-unavailable.js';
import { fromEnvelope } from './envelope.js';
import { HandlerFailures } from './handler-failures.js';
import { readEvent } from './read-event.js';
import { readStream } from './read-stream.js';
import type { RecordedEvent } from './types.js';
import { durableConsumer } from './durable-consumer.js';

export interface EventSubscriptionOptions<DB> {
  /**
   * The database of the event store. With `handler`: each event is applied in a Postgres
   * transaction that stores its position. With `apply` too: without it, an event whose handler
   * keeps failing cannot be parked (it is retried forever), nor an event the relay published
   * by reference read from the store.
   */
  db?: Kysely<DB>;
  nats: NatsConnection;
  /** The JetStream stream the relay publishes to. */
  streamName: string;
  /** Durable consumer name, shared by the replicas of one consumer; also the checkpoint's name. */
  consumer: string;
  /** e.g. `livedesk.events.conversation.>`; all events when omitted. */
  filterSubject?: string;
  handler?: EventHandler<DB>;
  /**
   * Instead of `db` and `handler`: applies an event and keeps positions itself (a consumer whose
   * state is not in Postgres, e.g. Redis). It answers `out_of_order` when the event's
   * predecessor in its stream is not applied yet, and `already_applied` for a repeat.
   */
  apply?: (event: RecordedEvent) => Promise<ApplyOutcome>;
  /** With `apply`: moves the consumer's position past an event it parks, without handling it. */
  skip?: (event: RecordedEvent) => Promise<void>;
  /** With `apply`: handles an event an operator replays, whatever the consumer's position. */
  replay?: (event: RecordedEvent) => Promise<void>;
  /**
   * An event whose handler fails this many times (default 5, about 3 s of retries) is parked
   * in `event_store.dead_letters` with the error, and the consumer's position moves past it
   * (docs/dead-letters.md). Waiting for a predecessor (`out_of_order`) is no failure, nor is a
   * dependency that is away (isDependencyUnavailable): those are retried as long as it takes.
   */
  parkAfterAttempts?: number;
  /** Called after an event was parked. */
  onParked?: (event: RecordedEvent, error: unknown) => void;
  /** How often to look for replays of this consumer's dead letters (default 2000 ms). */
  replayPollMs?: number;
  /**
   * Deliveries of an event still waiting for its predecessor after which the subscription reads
   * the missing events of its stream from the event store and applies them (default 20, about a
   * minute): a predecessor that JetStream lost or dropped never comes otherwise. Needs `db`.
   * With `apply`, off unless given: the positions are elsewhere, so the stream is read from its
   * start, and a consumer that can lose its positions (Redis) rebuilds them its own way.
   */
  fillGapAfterDeliveries?: number;
  /** Redelivery after this long without an ack (default 30 s). */
  ackWaitMs?: number;
  /**
   * Deliveries of one message before JetStream gives up on it (default: no limit). Handler
   * failures are bounded by parking; an event waiting for its predecessor waits as long as it
   * takes, since one dropped would leave its stream's later events waiting forever.
   */
  maxDeliver?: number;
  logger?: Logger;
  /**
   * Events handled at once (default 1). Events of one stream are still handled one after
   * another, in order; only different streams overlap. Worth it when the handler waits on
   * I/O that is not one shared transaction (e.g. a Redis-backed `apply`).
   */
  concurrency?: number;
  /** Called after an event was handled (or found handled) and before its ack (fault injection in tests). */
  beforeAck?: (msg: JsMsg, outcome: ApplyOutcome) => Promise<void>;
}

/** Redelivery delay for an event whose predecessor is still on its way. */
const OUT_OF_ORDER_RETRY_MS = 50;
const OUT_OF_ORDER_MAX_RETRY_MS = 5000;

/**
 * A durable JetStream pull consumer that applies each event once: the handler runs in the
 * transaction that stores the consumer's position (apply-event.ts); the message is acked only
 * after that commit, and a failure naks it with a growing delay. An event that fails every
 * attempt is parked and the consumer goes on (docs/dead-letters.md); the events of other
 * streams never wait for it, and its own stream's later events wait only until it is parked.
 */
export class EventSubscription<DB> {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly failures: HandlerFailures;
  private readonly replayer: DeadLetterReplayer | undefined;

  constructor(private readonly options: EventSubscriptionOptions<DB>) {
    this.failures = new HandlerFailures(options.parkAfterAttempts);
    const { db, handler, replay } = options;
    const replayOne = replay
      ? (event: RecordedEvent) => replay(event)
      : handler
        ? (event: RecordedEvent, trx: Transaction<any>) => handler(event, trx)
        : undefined;
    if (db && replayOne) {
      this.replayer = new DeadLetterReplayer({
        db,
        reader: options.consumer,
        replay: replayOne,
        pollMs: options.replayPollMs,
        logger: options.logger,
      });
    }
  }

  async start(): Promise<void> {
    const source = await durableConsumer(this.options);
    this.messages = await source.consume({ max_messages: 256 });
    this.loop = this.consume(this.messages);
    this.replayer?.start();
  }

  /** Stops pulling, finishes the event in hand, and returns. */
  async stop(): Promise<void> {
    await this.replayer?.stop();
    await this.messages?.close();
    await this.loop;
  }

  private async consume(messages: ConsumerMessages): Promise<void> {
    const concurrency = this.options.concurrency ?? 1;
    if (concurrency <= 1) {
      for await (const msg of messages) await this.handle(msg);
      return;
    }
    const inFlight = new Set<Promise<void>>();
    const tails = new Map<string, Promise<void>>();
    for await (const msg of messages) {
      // The subject ends with the stream id: events of one stream chain, others overlap.
      const stream = msg.subject;
      const previous = tails.get(stream) ?? Promise.resolve();
      const run: Promise<void> = previous
        .then(() => this.handle(msg))
        .finally(() => {
          inFlight.delete(run);
          if (tails.get(stream) === run) tails.delete(stream);
        });
      tails.set(stream, run);
      inFlight.add(run);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  private apply(event: RecordedEvent): Promise<ApplyOutcome> {
    const { apply, db, handler, consumer } = this.options;
    if (apply) return apply(event);
    if (!db || !handler) throw new Error(`subscription ${consumer}: give either apply, or db and handler`);
    return applyEvent(db, consumer, event, handler);
  }

  private async handle(msg: JsMsg): Promise<void> {
    const { logger } = this.options;
    let event: ReturnType<typeof fromEnvelope>;
    try {
      event = fromEnvelope(msg.json());
    } catch (error) {
      logger?.error({ err: error, subject: msg.subject, seq: msg.seq }, 'not an event envelope; dropped');
      msg.term();
      return;
    }
    try {
      if (isByReference(event)) event = await this.fromStore(event);
      const outcome = await this.apply(event);
      let settled = outcome;
      const fillGapAfter = this.options.fillGapAfterDeliveries ?? (this.options.apply ? Infinity : 20);
      if (outcome === 'out_of_order' && msg.info.deliveryCount >= fillGapAfter && (await this.fillGap(event))) {
        settled = await this.apply(event);
      }
      if (settled === 'out_of_order') {
        // Backing off matters: the predecessor may sit unacknowledged with a replica that died,
        // until the ack wait hands it to another, or be retried until it is parked.
        msg.nak(Math.min(OUT_OF_ORDER_RETRY_MS * 2 ** (msg.info.deliveryCount - 1), OUT_OF_ORDER_MAX_RETRY_MS));
        return;
      }
      this.failures.settled(event.eventId);
      await this.options.beforeAck?.(msg, settled);
      msg.ack();
    } catch (error) {
      if (isDependencyUnavailable(error)) {
        // Not the event's fault: retried as long as the outage lasts, never parked for it.
        logger?.warn(
          { err: error, eventId: event.eventId },
          'a dependency of the handler is unavailable; will be redelivered',
        );
        msg.nak(HandlerFailures.retryDelayMs(Math.min(msg.info.deliveryCount, 8)));
        return;
      }
      const { attempts, park } = this.failures.failed(event.eventId);
      if (park && (await this.park(event, error, attempts))) {
        msg.ack();
        return;
      }
      logger?.error(
        { err: error, eventId: event.eventId, attempt: attempts },
        'event handler failed; will be redelivered',
      );
      msg.nak(HandlerFailures.retryDelayMs(attempts));
    }
  }

  /**
   * Applies, from the event store, the events of `event`'s stream that should have come before
   * it and never did (JetStream lost or dropped them), in order; one that fails every attempt is
   * parked like any other. True when the stream is now right behind `event`.
   */
  private async fillGap(event: RecordedEvent): Promise<boolean> {
    const { db, apply, consumer, logger } = this.options;
    if (!db) return false;
    // Where the position is in Postgres, only what lies after it; otherwise the stream from its start.
    const after = apply ? 0 : await positionOf(db as Kysely<any>, consumer, event.streamId);
    if (after >= event.streamVersion - 1) return true;
    const missing = await readStream(db as Kysely<any>, event.streamId, {
      afterVersion: after,
      limit: event.streamVersion - 1 - after,
    });
    logger?.warn(
      { consumer, streamId: event.streamId, fromVersion: after + 1, toVersion: event.streamVersion - 1 },
      'events never delivered; applying them from the event store',
    );
    for (const earlier of missing) {
      try {
        if ((await this.apply(earlier)) === 'out_of_order') return false;
        this.failures.settled(earlier.eventId);
      } catch (error) {
        if (isDependencyUnavailable(error)) return false;
        const { attempts, park } = this.failures.failed(earlier.eventId);
        if (!park || !(await this.park(earlier, error, attempts))) return false;
      }
    }
    return true;
  }

  /**
   * The whole event, for a placeholder the relay published instead of an event NATS would not
   * take; without the database, the placeholder itself (a handler then sees null data).
   */
  private async fromStore(placeholder: RecordedEvent): Promise<RecordedEvent> {
    if (!this.options.db) return placeholder;
    const stored = await readEvent(this.options.db, placeholder.eventId);
    if (!stored)
      throw new Error(`event ${placeholder.eventId} was published by reference but is not in the event store`);
    return stored;
  }

  /**
   * Parks an event whose handler failed every attempt: a dead letter with the error, and the
   * consumer's position moved past the event, in one transaction where the position is in
   * Postgres. Answers false when it could not (no database, or parking failed: retried later).
   */
  private async park(event: RecordedEvent, error: unknown, attempts: number): Promise<boolean> {
    const { db, consumer, skip, apply, logger } = this.options;
    if (!db || (apply && !skip)) return false;
    const entry = { reader: consumer, event, reason: 'handler_failed' as const, error: errorText(error), attempts };
    try {
      if (apply) {
        await parkEvent(db as Kysely<any>, entry);
        await skip!(event);
      } else {
        // The dead letter is the "handler" here: written in the transaction that moves the position.
        const outcome = await applyEvent(db, consumer, event, (_, trx) => parkEvent(trx as Transaction<any>, entry));
        if (outcome === 'out_of_order') return false;
      }
    } catch (parkError) {
      logger?.error({ err: parkError, eventId: event.eventId }, 'parking an event failed; will be redelivered');
      return false;
    }
    this.failures.settled(event.eventId);
    logParked(logger, consumer, event, error, attempts);
    this.options.onParked?.(event, error);
    return true;
  }
}

async function positionOf(db: Kysely<any>, consumer: string, streamId: string): Promise<number> {
  const row = await db
    .selectFrom('event_store.consumer_positions')
    .select('stream_version')
    .where('consumer', '=', consumer)
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return row ? Number(row.stream_version) : 0;
}
