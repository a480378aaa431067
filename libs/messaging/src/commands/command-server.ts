import { SpanKind } from '@opentelemetry/api';
import { ServerNats, type NatsContext } from '@nestjs/microservices';
import type { ConnectionOptions, Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { connectCoalescing } from '../connection/coalescing-transport.js';
import { natsServerOptions } from '../connection/nats-servers.js';
import { RECONNECT_FOREVER } from '../connection/open-nats-connection.js';
import { prefixSubject } from '../subject-prefix.js';
import { incomingContext, runRequest } from '../context/request-context.js';
import { InFlightTracker } from './in-flight-tracker.js';

export interface CommandServerOptions {
  url: string;
  /** Connection name for the NATS server's monitoring. */
  name: string;
  subjectPrefix: string;
  /**
   * Queue group: the replicas of one service share it, so each command reaches exactly one
   * of them. Normally the service name.
   */
  queue: string;
  /** How long `close()` waits for handlers still running. Default 10000 ms. */
  drainTimeoutMs?: number;
  /** At most one socket write per this many milliseconds (`CoalescingTransport`). Default 0: one per turn. */
  writeLingerMs?: number;
}

type Publisher = (response: { isDisposed?: boolean; err?: unknown }) => unknown;

/**
 * Nest's NATS server for commands, changed in six ways (read against
 * `@nestjs/microservices/server/server-nats.js`):
 * - a handler for pattern `cmd.x` listens on `<subjectPrefix>.cmd.x`: `addHandler` stores the
 *   prefixed subject as the handler key, and `bindEvents` subscribes to the keys, so the
 *   lookup by subject in `handleMessage` finds the handler unchanged;
 * - every subscription joins the queue group;
 * - a message's subject is its handler's key as it is (`getRouteFromPattern`);
 * - `close()` drains instead of closing: stop taking commands, wait for the handlers in
 *   flight to reply, flush, then close. Nest's own `close()` closes the connection at once
 *   and a reply that was being computed is lost (its `gracefulShutdown` only waits a fixed
 *   grace period);
 * - `listen()` resolves once NATS has registered the subscriptions (`start` flushes first).
 *   Nest's resolves as soon as the SUBs are queued on this connection, so a command sent
 *   over another connection right after could meet "no responders";
 * - its connection writes once per turn of the event loop, and at most once per
 *   `writeLingerMs` (`CoalescingTransport`): a replica answering many commands in one turn
 *   sends their replies in one write.
 */
export class CommandServer extends ServerNats {
  private readonly commandOptions: CommandServerOptions;
  private readonly commandSubscriptions: Subscription[] = [];
  private readonly inFlight = new InFlightTracker<Msg>();
  private readonly replying = new WeakSet<Msg>();

  private readonly connectOptions: ConnectionOptions;

  constructor(options: CommandServerOptions) {
    const connectOptions = { ...natsServerOptions(options.url), name: options.name, ...RECONNECT_FOREVER };
    super({ ...connectOptions, queue: options.queue });
    this.commandOptions = options;
    this.connectOptions = connectOptions;
  }

  override addHandler(
    pattern: unknown,
    callback: Parameters<ServerNats['addHandler']>[1],
    isEventHandler?: boolean,
    extras?: Record<string, unknown>,
  ): void {
    const route = this.normalizePattern(pattern as string);
    if (typeof route !== 'string') throw new Error('command patterns must be subject strings');
    super.addHandler(prefixSubject(this.commandOptions.subjectPrefix, route), callback, isEventHandler, extras);
  }

  /**
   * The handler's key for an incoming subject: the subject itself. Patterns here are subject
   * strings, never JSON (addHandler refuses others), but Nest's version tries `JSON.parse` on
   * the subject of every message first, which throws, with a stack trace built and dropped,
   * for every command: 1.7 % of the conversation service's CPU at 1,000 messages/s.
   */
  override getRouteFromPattern(pattern: string): string {
    return pattern;
  }

  override createNatsClient(): Promise<NatsConnection> {
    return connectCoalescing(this.connectOptions, this.commandOptions.writeLingerMs);
  }

  /**
   * Subscribes, then waits for the server's answer to a PING sent after the SUBs: NATS handles
   * a connection's protocol in order, so once the PONG is back every subscription is live.
   */
  override start(callback: (error?: unknown) => void): void {
    const connection = this.unwrap<NatsConnection>();
    this.bindEvents(connection);
    connection.flush().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  override bindEvents(client: NatsConnection): void {
    for (const [subject, handler] of this.messageHandlers) {
      const queue = typeof handler.extras?.queue === 'string' ? handler.extras.queue : this.commandOptions.queue;
      const onMessage = this.getMessageHandler(subject) as (error: Error | null, msg: Msg) => void;
      this.commandSubscriptions.push(client.subscribe(subject, { queue, callback: onMessage }));
    }
  }

  /**
   * Each command runs as a request of its own: under the sender's request id (`x-request-id`,
   * a new one when none came) and, with OpenTelemetry on, in a span continuing the sender's
   * trace (`traceparent`), so the handler's log lines and its commands, events and SQL carry them.
   */
  override async handleMessage(channel: string, natsMsg: Msg): Promise<void> {
    this.inFlight.begin(natsMsg);
    try {
      const { requestId, parent } = incomingContext(natsMsg.headers);
      const command = channel.startsWith(`${this.commandOptions.subjectPrefix}.`)
        ? channel.slice(this.commandOptions.subjectPrefix.length + 1)
        : channel;
      await runRequest(
        {
          ...(requestId ? { requestId } : {}),
          spanName: `handle ${command}`,
          spanKind: SpanKind.SERVER,
          attributes: { 'messaging.system': 'nats', 'messaging.destination.name': channel },
          parent,
        },
        () => super.handleMessage(channel, natsMsg),
      );
    } catch (error) {
      this.inFlight.end(natsMsg);
      throw error;
    } finally {
      // A request stays in flight until its last reply went out (see getPublisher); an event,
      // or a message that failed before a publisher existed, ends here.
      if (!this.replying.has(natsMsg)) this.inFlight.end(natsMsg);
    }
  }

  override getPublisher(natsMsg: Msg, id: string, ctx: NatsContext): Publisher {
    const publish = super.getPublisher(natsMsg, id, ctx) as Publisher;
    if (!natsMsg.reply) return publish;
    this.replying.add(natsMsg);
    return (response) => {
      try {
        return this.publishWithinLimit(publish, natsMsg, response);
      } finally {
        if (response.isDisposed || response.err !== undefined) this.inFlight.end(natsMsg);
      }
    };
  }

  /**
   * Publishes a reply; one over the server's `max_payload` (which NATS refuses, so the caller
   * waited for its timeout and answered `unavailable`: a chat over 1 MB could not be read at
   * all) is replaced by an `internal` error that says so. Queries page their answers to stay
   * far below the limit; this is the safety net for one that did not.
   */
  private publishWithinLimit(publish: Publisher, natsMsg: Msg, response: Parameters<Publisher>[0]): unknown {
    try {
      return publish(response);
    } catch (error) {
      if (response.err !== undefined || !isMaxPayloadExceeded(error)) throw error;
      const limit = this.unwrap<NatsConnection>().info?.max_payload;
      this.logger.error(
        `the reply to ${natsMsg.subject} exceeds NATS max_payload (${limit} bytes); answered reply_too_large`,
      );
      return publish({
        err: {
          code: 'internal',
          message: `the reply is larger than the transport allows (NATS max_payload ${limit} bytes)`,
          reason: 'reply_too_large',
        },
        isDisposed: true,
      });
    }
  }

  override async close(): Promise<void> {
    let connection: NatsConnection | undefined;
    try {
      connection = this.unwrap<NatsConnection>();
    } catch {
      return; // never listened
    }
    if (!connection.isClosed() && !connection.isDraining()) {
      // Unsubscribe first so that no new command arrives, then let the running ones reply.
      await Promise.allSettled(this.commandSubscriptions.map((subscription) => subscription.drain()));
      const idle = await this.inFlight.whenIdle(this.commandOptions.drainTimeoutMs ?? 10_000);
      if (!idle) this.logger.warn(`closing with ${this.inFlight.size} command(s) still running`);
      await connection.drain().catch(() => undefined);
    }
    await super.close();
  }
}

function isMaxPayloadExceeded(error: unknown): boolean {
  return error instanceof Error && error.message.includes('max_payload');
}
