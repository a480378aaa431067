import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { EventSubscription } from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { PinoLogger } from 'nestjs-pino';
import { RoutingEventHandler } from './routing-event-handler.js';

/**
 * The conversation events, through the durable consumer `routing` that the replicas share:
 * each event reaches one replica, in stream order, once (per-stream positions in Postgres).
 */
@Injectable()
export class RoutingSubscription implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: EventSubscription<unknown>;

  constructor(
    @Inject(DATABASE) db: Kysely<unknown>,
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    handler: RoutingEventHandler,
    logger: PinoLogger,
  ) {
    logger.setContext('RoutingSubscription');
    this.subscription = new EventSubscription({
      db,
      nats,
      streamName: config.LIVEDESK_EVENTS_STREAM,
      consumer: 'routing',
      filterSubject: eventSubjectWildcard(config.LIVEDESK_SUBJECT_PREFIX, 'conversation'),
      handler: (event) => handler.handle(event),
      // The handler takes milliseconds; a replica that dies leaves its unacknowledged events
      // to the others after this long.
      ackWaitMs: 5000,
      logger: logger.logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.subscription.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription.stop();
  }
}
