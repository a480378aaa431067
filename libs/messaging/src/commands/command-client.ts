import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientNats, type PacketId, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { ConnectionWatch } from '../connection/connection-watch.js';
import { natsServerOptions } from '../connection/nats-servers.js';
import { prefixSubject } from '../subject-prefix.js';
import { NoRespondersError } from './command-errors.js';
import { isNoRespondersStatus } from './command-replies.js';

export interface CommandClientOptions {
  subjectPrefix: string;
  /** Reuse this connection (the process-wide one from `NatsModule`) instead of opening one. */
  connection?: NatsConnection;
  /** Servers to connect to when no connection is given. */
  url?: string;
}

/**
 * Nest's NATS client with two changes:
 * - every pattern is sent to `<subjectPrefix>.<pattern>` (`normalizePattern` is where
 *   `ClientNats.publish` turns a pattern into a subject);
 * - the NATS server's "no responders" status (an empty message with header code 503, sent to
 *   the reply inbox when nobody subscribes) becomes a `NoRespondersError` at once, where Nest
 *   would report an `EmptyResponseException` that does not say why.
 * Use it through `sendCommand`, which adds the timeout and the typed errors, and waits for the
 * replies on one subscription of the connection (`CommandReplies`) instead of Nest's `send`,
 * which subscribes to a new inbox for every request.
 */
@Injectable()
export class CommandClient extends ClientNats implements OnApplicationShutdown {
  readonly subjectPrefix: string;
  private readonly sharedConnection: NatsConnection | undefined;
  /** The shared connection's state, so that `sendCommand` refuses at once while it is down. */
  readonly connectionWatch: ConnectionWatch | undefined;

  constructor(options: CommandClientOptions) {
    super(options.url === undefined ? {} : natsServerOptions(options.url));
    this.subjectPrefix = options.subjectPrefix;
    this.sharedConnection = options.connection;
    this.connectionWatch = options.connection ? new ConnectionWatch(options.connection) : undefined;
  }

  /** The NATS subject a pattern is published to. */
  subjectOf(pattern: string): string {
    return prefixSubject(this.subjectPrefix, pattern);
  }

  /** The connection commands are sent on: the shared one, or this client's own, opened on first use. */
  async natsConnection(): Promise<NatsConnection> {
    if (this.sharedConnection) return this.sharedConnection;
    await this.connect();
    return this.unwrap<NatsConnection>();
  }

  override createClient(): ReturnType<ClientNats['createClient']> {
    return this.sharedConnection ? Promise.resolve(this.sharedConnection) : super.createClient();
  }

  override async close(): Promise<void> {
    this.connectionWatch?.stop();
    if (!this.sharedConnection) return super.close();
    // The shared connection belongs to NatsModule, which drains it last; only fail what waits.
    this.handleClose();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  protected override normalizePattern(pattern: ReadPacket['pattern']): string {
    if (typeof pattern !== 'string') throw new Error('command patterns must be subject strings');
    return this.subjectOf(pattern);
  }

  override createSubscriptionHandler(
    packet: ReadPacket & PacketId,
    callback: (packet: WritePacket) => unknown,
  ): ReturnType<ClientNats['createSubscriptionHandler']> {
    const handle = super.createSubscriptionHandler(packet, callback);
    return async (error, natsMsg) => {
      if (!error && isNoRespondersStatus(natsMsg as Msg)) {
        return callback({ err: new NoRespondersError(this.normalizePattern(packet.pattern)), isDisposed: true });
      }
      return handle(error, natsMsg);
    };
  }
}
