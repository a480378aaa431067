import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConnectionWatch } from '../connection/connection-watch.js';
import { untilJetStreamAnswers } from './until-jetstream-answers.js';

export interface OrderedFollowerOptions {
  nats: NatsConnection;
  /** The JetStream stream to follow. */
  stream: string;
  /** One subject filter (nats-server 2.9 knows no lists of them). */
  filterSubject: string;
  /**
   * Handles one message; messages come one at a time, in stream order, each once. What it
   * throws goes to `onError` and the next message goes on.
   */
  handle: (msg: JsMsg) => Promise<void>;
  onError?: (error: unknown, msg: JsMsg) => void;
  /** Told when the follower resumes on a fresh consumer, and why (logs). */
  onResume?: (reason: string, fromSequence: number) => void;
}

const RESUME_RETRY_MS = 200;

/**
 * Follows a stream from the moment it starts with an ordered consumer (an ephemeral, in-memory
 * pull consumer), and resumes on a fresh one, right after the last message handled, whenever
 * NATS comes back from an outage or nats.js recreates the consumer itself.
 *
 * Why not leave recovery to nats.js (3.4): after a server restart its ordered consumer finds its
 * consumer gone and recreates it, but keeps the old consumer's count of messages still due
 * (`pending.msgs`), so its first pull on the new consumer asks only for as many messages as
 * arrived since the previous pull, and once those came it believes the rest are on their way
 * and pulls no more, until two idle heartbeats are missed (2–3 × 15 s) or the pull expires
 * (30 s). Measured under issue 11: pulls of batch 8, then 6, then 3 after successive restarts,
 * and the last message of a burst pushed 45 s late. A fresh consumer starts with a clean count.
 */
export class OrderedFollower {
  private readonly watch: ConnectionWatch;
  private stopReconnectListener: (() => void) | undefined;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  /** Stream sequence of the last message handled (or skipped as before the start). */
  private lastSequence = 0;
  private stopped = false;
  private resuming: Promise<void> | undefined;
  private resumeAgain = false;

  constructor(private readonly options: OrderedFollowerOptions) {
    this.watch = new ConnectionWatch(options.nats);
  }

  async start(): Promise<void> {
    // Deliver policy "new", made explicit as a sequence so that a resume can name where to go on.
    const jsm = await jetstreamManager(this.options.nats);
    this.lastSequence = (await jsm.streams.info(this.options.stream)).state.last_seq;
    await this.open();
    this.stopReconnectListener = this.watch.afterReconnect(() => this.resume('NATS reconnected'));
  }

  /** Stops pulling, finishes the message in hand, and returns. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopReconnectListener?.();
    this.watch.stop();
    await this.resuming;
    await this.messages?.close();
    await this.loop;
  }

  private async open(): Promise<void> {
    const consumer = await jetstream(this.options.nats).consumers.get(this.options.stream, {
      filter_subjects: this.options.filterSubject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.lastSequence + 1,
    });
    const messages = await consumer.consume({ max_messages: 100 });
    this.messages = messages;
    void this.followStatus(messages);
    this.loop = this.handleAll(messages);
  }

  private async handleAll(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      // A consumer opened by a resume starts after the last message handled; this guards the
      // overlap anyway, so a message is never handled twice.
      if (msg.seq <= this.lastSequence) continue;
      try {
        await this.options.handle(msg);
      } catch (error) {
        this.options.onError?.(error, msg);
      }
      this.lastSequence = msg.seq;
    }
  }

  private async followStatus(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'ordered_consumer_recreated' && messages === this.messages)
        this.resume('nats.js recreated the ordered consumer');
    }
  }

  /** Closes the current consumer, waits until JetStream answers, and opens a fresh one after the last message handled. */
  private resume(reason: string): void {
    if (this.stopped) return;
    if (this.resuming) {
      this.resumeAgain = true;
      return;
    }
    this.resuming = (async () => {
      do {
        this.resumeAgain = false;
        await this.messages?.close();
        await this.loop;
        if (!(await untilJetStreamAnswers(this.options.nats, this.watch, { stopped: () => this.stopped }))) return;
        try {
          this.options.onResume?.(reason, this.lastSequence + 1);
          await this.open();
        } catch {
          // JetStream answered a moment ago and not now: the connection dropped again.
          this.resumeAgain = true;
          await new Promise((resolve) => setTimeout(resolve, RESUME_RETRY_MS));
        }
      } while (this.resumeAgain && !this.stopped);
    })().finally(() => {
      this.resuming = undefined;
    });
  }
}
