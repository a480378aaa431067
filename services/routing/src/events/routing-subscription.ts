import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { EventSubscription } from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, REDIS, SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import type { Kysely } from 'kysely';
import type { RoutingConfig } from '../routing-config.js';
import { RoutingStateRecovery } from '../recovery/routing-state-recovery.js';
import { applyInOrder } from './apply-in-order.js';
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
    @Inject(REDIS) redis: Redis,
    @Inject(DATABASE) db: Kysely<unknown>,
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig & RoutingConfig,
    handler: RoutingEventHandler,
    recovery: RoutingStateRecovery,
    logger: PinoLogger,
  ) {
    logger.setContext('RoutingSubscription');
    const catchUpAfterMs = config.ROUTING_CATCH_UP_AFTER_SECONDS * 1000;
    this.subscription = new EventSubscription({
      nats,
      streamName: config.LIVEDESK_EVENTS_STREAM,
      consumer: 'routing',
      filterSubject: eventSubjectWildcard(config.LIVEDESK_SUBJECT_PREFIX, 'conversation'),
      // Routing's state is in Redis, and so is its position in each chat's stream: a Postgres
      // transaction per event (the default) cost more than all of routing's own work.
      apply: (event) => applyInOrder(redis, recovery, catchUpAfterMs, event, () => handler.handle(event)),
      // An event the handler fails on every attempt is parked (a dead letter in Postgres) and
      // the chat's position moves past it; an operator's replay runs the handler again.
      db,
      skip: async (event) => void (await applyInOrder(redis, recovery, catchUpAfterMs, event, async () => undefined)),
      replay: (event) => handler.handle(event),
      // The handler takes milliseconds; a replica that dies leaves its unacknowledged events
      // to the others after this long.
      ackWaitMs: 5000,
      // Each event is a few Redis round trips; chats are independent of each other.
      concurrency: 32,
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
