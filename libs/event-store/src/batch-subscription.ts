import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { ApplyOutcome } from './apply-event.js';
import { applyEventBatch, type BatchEventHandler } from './apply-event-batch.js';
import { isByReference } from './by-reference.js';
import { DeadLetterReplayer } from './dead-letter-replayer.js';
import { errorText, logParked, parkEvent } from './dead-letters.js';
import { isDependencyUnavailable } from './dependency-unavailable.js';
import { fromEnvelope } from './envelope.js';
import { HandlerFailures } from './handler-failures.js';
import { readEvent } from './read-event.js';
import { durableConsumer } from './durable-consumer.js';
import type { RecordedEvent } from './types.js';

export interface BatchSubscriptionOptions<DB> {
  db: Kysely<DB>;
  nats: NatsConnection;
  /** The JetStream stream the relay publishes to. */
  streamName: string;
  /** Durable consumer name; also the checkpoint's name in `event_store.consumer_positions`. */
  consumer: string;
  /** e.g. `livedesk.events.>`; all events when omitted. */
  filterSubject?: string;
  handler: BatchEventHandler<DB>;
  /** Events handed to the handler at most at once (default 1000). */
  maxBatch?: number;
  /**
   * Once an event arrives with no batch forming, wait up to this long for more before writing
   * (default 0: at once). For a projection that need not be up to the millisecond (the search
   * index): fewer, larger transactions, where a steady flow of events made one small
   * transaction (its round trips and its WAL flush) every few milliseconds. A full batch goes at
   * once, and stopping does not wait.
   */
  lingerMs?: number;
  /** Redelivery after this long without an ack (default 30 s); a batch must commit well within it. */
  ackWaitMs?: number;
  /** Deliveries of one message before JetStream gives up on it (default: no limit; see EventSubscription). */
  maxDeliver?: number;
  /** An event whose handler fails this many times (default 5) is parked and the consumer goes on (docs/dead-letters.md). */
  parkAfterAttempts?: number;
  /** Called after an event was parked. */
  onParked?: (event: RecordedEvent, error: unknown) => void;
  /** How often to look for replays of this consumer's dead letters (default 2000 ms). */
  replayPollMs?: number;
  logger?: Logger;
  /** Called when a batch's transaction failed (the handler threw, or the commit did): a handler that caches what it wrote forgets it here. */
  onBatchFailed?: (error: unknown) => void;
  /** Called after a batch's transaction committed, with the events it applied (lag figures). */
  onBatchCommitted?: (applied: readonly RecordedEvent[]) => void;
}

const OUT_OF_ORDER_RETRY_MS = 50;
const OUT_OF_ORDER_MAX_RETRY_MS = 5000;

/**
 * A durable JetStream pull consumer that applies events in batches, once each: whatever has
 * arrived while the previous batch was being written goes into the next one, so that under
 * load one transaction carries hundreds of events (a projection keeping up with thousands of
 * events a second), and a lone event goes at once. Each batch runs in the transaction that
 * stores the consumer's stream positions (`applyEventBatch`); its messages are acked after the
 * commit. A batch that fails is retried one event at a time, so one bad event delays only itself;
 * an event that failed once goes alone from then on, and is parked once it failed
 * `parkAfterAttempts` times (docs/dead-letters.md), so its stream's later events go on. Meant for one active consumer at a time (the caller holds a leadership lock): batches of one
 * instance are applied one after another.
 */
export class BatchSubscription<DB> {
  private messages: ConsumerMessages | undefined;
  private pump: Promise<void> | undefined;
  private worker: Promise<void> | undefined;
  private readonly buffer: JsMsg[] = [];
  private arrived: (() => void) | undefined;
  private drained: (() => void) | undefined;
  private pumping = false;
  private readonly failures: HandlerFailures;
  private readonly replayer: DeadLetterReplayer;

  constructor(private readonly options: BatchSubscriptionOptions<DB>) {
    this.failures = new HandlerFailures(options.parkAfterAttempts);
    this.replayer = new DeadLetterReplayer({
      db: options.db,
      reader: options.consumer,
      pollMs: options.replayPollMs,
      logger: options.logger,
      replay: async (event, trx) => {
        try {
          await options.handler([event], trx);
        } catch (error) {
          options.onBatchFailed?.(error);
          throw error;
        }
      },
    });
  }

  async start(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 1000;
    // Unacked: the batch being written, the next one filling meanwhile, and the prefetch. With
    // the server's default of 1000 a batch of 1000 could never form behind one being written,
    // and a projection that fell behind could not catch up with bigger batches.
    const source = await durableConsumer({ ...this.options, maxAckPending: maxBatch * 4 });
    this.messages = await source.consume({ max_messages: maxBatch * 2 });
    this.pumping = true;
    this.pump = this.fill(this.messages, maxBatch * 2);
    this.worker = this.work(maxBatch);
    this.replayer.start();
  }

  /** Stops pulling, finishes the batch in hand, and gives the messages not yet handled back (nak). */
  async stop(): Promise<void> {
    await this.replayer.stop();
    await this.messages?.close();
    await this.pump;
    await this.worker;
  }

  private async fill(messages: ConsumerMessages, highWater: number): Promise<void> {
    try {
      for await (const msg of messages) {
        this.buffer.push(msg);
        this.arrived?.();
        if (this.buffer.length >= highWater) await new Promise<void>((resolve) => (this.drained = resolve));
      }
    } finally {
      this.pumping = false;
      this.arrived?.();
    }
  }

  private async work(maxBatch: number): Promise<void> {
    for (;;) {
      if (this.buffer.length === 0) {
        if (!this.pumping) break;
        await new Promise<void>((resolve) => (this.arrived = resolve));
        this.arrived = undefined;
        continue;
      }
      await this.linger(maxBatch);
      const batch = this.buffer.splice(0, maxBatch);
      this.drained?.();
      this.drained = undefined;
      if (!this.pumping) {
        // Stopping: what is left is redelivered to the next consumer at once, not after the ack wait.
        for (const msg of [...batch, ...this.buffer.splice(0)]) msg.nak();
        break;
      }
      await this.handle(batch);
    }
  }

  /** Waits `lingerMs` for the batch to fill, unless it is full or the subscription stops first. */
  private async linger(maxBatch: number): Promise<void> {
    const lingerMs = this.options.lingerMs ?? 0;
    if (lingerMs <= 0 || this.buffer.length >= maxBatch || !this.pumping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, lingerMs);
      this.arrived = () => {
        if (this.buffer.length < maxBatch && this.pumping) return;
        clearTimeout(timer);
        resolve();
      };
    });
    this.arrived = undefined;
  }

  private async handle(batch: JsMsg[]): Promise<void> {
    const decoded: { msg: JsMsg; event: RecordedEvent }[] = [];
    const suspects: { msg: JsMsg; event: RecordedEvent }[] = [];
    for (const msg of batch) {
      let event: RecordedEvent;
      try {
        event = fromEnvelope(msg.json());
      } catch (error) {
        this.options.logger?.error(
          { err: error, subject: msg.subject, seq: msg.seq },
          'not an event envelope; dropped',
        );
        msg.term();
        continue;
      }
      // An event that failed before goes alone: it would fail the batch around it again.
      (this.failures.isSuspect(event.eventId) ? suspects : decoded).push({ msg, event });
    }
    try {
      await this.fromStore([...decoded, ...suspects]);
    } catch (error) {
      this.options.logger?.error({ err: error }, 'reading events published by reference failed; will be redelivered');
      for (const { msg } of [...decoded, ...suspects]) msg.nak(1000);
      return;
    }
    for (const one of suspects) await this.handleOne(one.msg, one.event);
    if (decoded.length === 0) return;
    try {
      const outcomes = await this.apply(decoded.map(({ event }) => event));
      for (const [i, { msg }] of decoded.entries()) settle(msg, outcomes[i]!);
    } catch (error) {
      if (isDependencyUnavailable(error))
        return this.unavailable(
          decoded.map(({ msg }) => msg),
          error,
        );
      if (decoded.length === 1) return this.failed(decoded[0]!.msg, decoded[0]!.event, error);
      this.options.logger?.warn(
        { err: error, events: decoded.length },
        'batch failed; applying its events one at a time',
      );
      for (const one of decoded) await this.handleOne(one.msg, one.event);
    }
  }

  /** Placeholders of events the relay published by reference, replaced by the events from the store. */
  private async fromStore(decoded: { event: RecordedEvent }[]): Promise<void> {
    for (const entry of decoded) {
      if (!isByReference(entry.event)) continue;
      const stored = await readEvent(this.options.db, entry.event.eventId);
      if (!stored)
        throw new Error(`event ${entry.event.eventId} was published by reference but is not in the event store`);
      entry.event = stored;
    }
  }

  private async handleOne(msg: JsMsg, event: RecordedEvent): Promise<void> {
    try {
      const [outcome] = await this.apply([event]);
      settle(msg, outcome!);
      if (outcome !== 'out_of_order') this.failures.settled(event.eventId);
    } catch (error) {
      await this.failed(msg, event, error);
    }
  }

  /** Not the events' fault (Postgres away, say): redelivered as long as the outage lasts, never parked for it. */
  private unavailable(msgs: JsMsg[], error: unknown): void {
    this.options.logger?.warn(
      { err: error, events: msgs.length },
      'a dependency of the handler is unavailable; will be redelivered',
    );
    for (const msg of msgs) msg.nak(HandlerFailures.retryDelayMs(Math.min(msg.info.deliveryCount, 8)));
  }

  private async failed(msg: JsMsg, event: RecordedEvent, error: unknown): Promise<void> {
    if (isDependencyUnavailable(error)) return this.unavailable([msg], error);
    const { attempts, park } = this.failures.failed(event.eventId);
    if (park && (await this.park(event, error, attempts))) {
      msg.ack();
      return;
    }
    this.options.logger?.error(
      { err: error, eventId: event.eventId, attempt: attempts },
      'event handler failed; will be redelivered',
    );
    msg.nak(HandlerFailures.retryDelayMs(attempts));
  }

  /** A dead letter with the error, written in the transaction that moves the position past the event. */
  private async park(event: RecordedEvent, error: unknown, attempts: number): Promise<boolean> {
    const { db, consumer, logger } = this.options;
    const entry = { reader: consumer, event, reason: 'handler_failed' as const, error: errorText(error), attempts };
    try {
      const [outcome] = await applyEventBatch(db, consumer, [event], (_, trx) =>
        parkEvent(trx as Transaction<any>, entry),
      );
      if (outcome === 'out_of_order') return false;
    } catch (parkError) {
      logger?.error({ err: parkError, eventId: event.eventId }, 'parking an event failed; will be redelivered');
      return false;
    }
    this.failures.settled(event.eventId);
    logParked(logger, consumer, event, error, attempts);
    this.options.onParked?.(event, error);
    return true;
  }

  private async apply(events: RecordedEvent[]): Promise<ApplyOutcome[]> {
    try {
      const outcomes = await applyEventBatch(this.options.db, this.options.consumer, events, this.options.handler);
      this.options.onBatchCommitted?.(events.filter((_, i) => outcomes[i] === 'applied'));
      return outcomes;
    } catch (error) {
      this.options.onBatchFailed?.(error);
      throw error;
    }
  }
}

function settle(msg: JsMsg, outcome: ApplyOutcome): void {
  if (outcome === 'out_of_order') {
    // Backing off: the predecessor may be on its way through a redelivery (see event-subscription.ts).
    msg.nak(Math.min(OUT_OF_ORDER_RETRY_MS * 2 ** (msg.info.deliveryCount - 1), OUT_OF_ORDER_MAX_RETRY_MS));
    return;
  }
  msg.ack();
}
