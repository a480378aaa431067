import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from './nats-connection.token.js';

/**
 * Drains the shared connection when the application shuts down: subscriptions stop taking
 * messages, the ones already delivered are handled, buffered publishes are flushed, then the
 * connection closes. Nest runs `onApplicationShutdown` after it closed the HTTP server and the
 * microservice servers, so nothing publishes on this connection any more by then.
 */
@Injectable()
export class NatsConnectionDrainer implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionDrainer.name);

  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.connection.isClosed() || this.connection.isDraining()) return;
    try {
      await this.connection.drain();
    } catch (error) {
      this.logger.warn(`NATS drain failed, closing: ${String(error)}`);
      await this.connection.close();
    }
  }
}
