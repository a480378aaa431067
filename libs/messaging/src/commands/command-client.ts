import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConnectionWatch } from '../connection/connection-watch.js';
import { prefixSubject } from '../subject-prefix.js';

export interface CommandClientOptions {
  subjectPrefix: string;
  /** The connection commands go on: the process-wide one from `NatsModule`. */
  connection: NatsConnection;
}

/**
 * What `sendCommand` sends commands with: the process's NATS connection, the subject prefix
 * (a pattern `cmd.x.y` goes to `<subjectPrefix>.cmd.x.y`), and the connection's state, so that a
 * command fails at once while the connection is down, and one waiting for its reply fails when
 * it drops. Injected by `NatsModule`; use it through `sendCommand`.
 */
@Injectable()
export class CommandClient implements OnApplicationShutdown {
  readonly subjectPrefix: string;
  readonly connection: NatsConnection;
  readonly connectionWatch: ConnectionWatch;

  constructor(options: CommandClientOptions) {
    this.subjectPrefix = options.subjectPrefix;
    this.connection = options.connection;
    this.connectionWatch = new ConnectionWatch(options.connection);
  }

  /** The NATS subject a pattern is published to. */
  subjectOf(pattern: string): string {
    return prefixSubject(this.subjectPrefix, pattern);
  }

  /**
   * Stops following the connection and fails the commands still waiting for a reply. The
   * connection itself belongs to `NatsModule`, which drains it last.
   */
  async close(): Promise<void> {
    this.connectionWatch.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
