import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { applyEvent, type ApplyOutcome, type EventHandler } from './apply-event.js';
import { fromEnvelope } from './envelope.js';
import type { RecordedEvent } from './types.js';
import { durableConsumer } from './durable-consumer.js';

export interface EventSubscriptionOptions<DB> {
  /** With `handler`: each event is applied in a Postgres transaction that stores its position. */
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
  /** Redelivery after this long without an ack (default 30 s). */
  ackWaitMs?: number;
  /** An event that fails this many times is logged and dropped (default 20). */
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
 * after that commit, and a failure naks it with a growing delay.
 */
export class EventSubscription<DB> {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: EventSubscriptionOptions<DB>) {}

  async start(): Promise<void> {
    const source = await durableConsumer(this.options);
    this.messages = await source.consume({ max_messages: 256 });
    this.loop = this.consume(this.messages);
  }

  /** Stops pulling, finishes the event in hand, and returns. */
  async stop(): Promise<void> {
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
      const run: Promise<void> = previous.then(() => this.handle(msg)).finally(() => {
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
    let event;
    try {
      event = fromEnvelope(msg.json());
    } catch (error) {
      logger?.error({ err: error, subject: msg.subject, seq: msg.seq }, 'not an event envelope; dropped');
      msg.term();
      return;
    }
    try {
      const outcome = await this.apply(event);
      if (outcome === 'out_of_order') {
        // Backing off matters: the predecessor may sit unacknowledged with a replica that died,
        // until the ack wait hands it to another; retrying at a fixed short delay would spend
        // every allowed delivery (max_deliver) before then, and the event would be dropped.
        msg.nak(Math.min(OUT_OF_ORDER_RETRY_MS * 2 ** (msg.info.deliveryCount - 1), OUT_OF_ORDER_MAX_RETRY_MS));
        return;
      }
      await this.options.beforeAck?.(msg, outcome);
      msg.ack();
    } catch (error) {
      const attempt = msg.info.deliveryCount;
      logger?.error({ err: error, eventId: event.eventId, attempt }, 'event handler failed; will be redelivered');
      msg.nak(Math.min(100 * 2 ** attempt, 30_000));
    }
  }
}
