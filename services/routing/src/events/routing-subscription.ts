import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { EventSubscription, type ApplyOutcome, type RecordedEvent } from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, REDIS, SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import type { Kysely } from 'kysely';
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
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    handler: RoutingEventHandler,
    logger: PinoLogger,
  ) {
    logger.setContext('RoutingSubscription');
    this.subscription = new EventSubscription({
      nats,
      streamName: config.LIVEDESK_EVENTS_STREAM,
      consumer: 'routing',
      filterSubject: eventSubjectWildcard(config.LIVEDESK_SUBJECT_PREFIX, 'conversation'),
      // Routing's state is in Redis, and so is its position in each chat's stream: a Postgres
      // transaction per event (the default) cost more than all of routing's own work.
      apply: (event) => applyInOrder(redis, event, () => handler.handle(event)),
      // An event the handler fails on every attempt is parked (a dead letter in Postgres) and
      // the chat's position moves past it; an operator's replay runs the handler again.
      db,
      skip: async (event) => void (await applyInOrder(redis, event, async () => undefined)),
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

/** Kept a month after a chat's last event: long past any redelivery. */
const POSITION_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Applies a conversation event once and in its stream's order, with the chat's last applied
 * version in Redis. The handler's steps are idempotent, so a crash between them and storing the
 * version only repeats them. An event whose predecessor is not applied yet (it went to another
 * replica, or is being redelivered) is answered `out_of_order` and comes back shortly.
 */
export async function applyInOrder(redis: Redis, event: RecordedEvent, handle: () => Promise<void>): Promise<ApplyOutcome> {
  const key = `routing:{${event.organizationId}}:applied:${event.streamId}`;
  const applied = Number((await redis.get(key)) ?? 0);
  if (event.streamVersion <= applied) return 'already_applied';
  if (event.streamVersion > applied + 1) return 'out_of_order';
  await handle();
  await redis.set(key, event.streamVersion, 'EX', POSITION_TTL_SECONDS);
  return 'applied';
}
