import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { EventStore, OutboxRelay, type EventStoreTables } from '@livedesk/event-store';
import type { Kysely } from 'kysely';
import type { NatsConnection } from '@nats-io/transport-node';
import { PinoLogger } from 'nestjs-pino';
import { DATABASE } from '../database/database.tokens.js';
import type { ServiceConfig } from '../config/service-config-schema.js';
import { SERVICE_CONFIG } from '../service-kit.tokens.js';
import { EVENT_STORE } from './event-store.tokens.js';

/**
 * Runs the outbox relay inside a service. Every replica of every writing service runs one; an
 * advisory lock makes one of them the leader for the whole database (see OutboxRelay).
 */
@Injectable()
export class OutboxRelayRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay;

  constructor(
    @Inject(DATABASE) db: Kysely<EventStoreTables>,
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(EVENT_STORE) store: EventStore,
    logger: PinoLogger,
  ) {
    logger.setContext('OutboxRelay');
    this.relay = new OutboxRelay({
      db,
      databaseUrl: config.DATABASE_URL,
      nats,
      streamName: config.LIVEDESK_EVENTS_STREAM,
      subjectPrefix: config.LIVEDESK_SUBJECT_PREFIX,
      replicas: config.JETSTREAM_REPLICAS,
      logger: logger.logger,
    });
    store.attachRelay(this.relay);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
