import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { EventStore, migrateEventStore, type EventStoreTables } from '@livedesk/event-store';
import type { Kysely } from 'kysely';
import { DATABASE } from '../database/database.tokens.js';
import { EVENT_STORE } from './event-store.tokens.js';
import { DeadLetterMetrics } from './dead-letter-metrics.js';
import { OutboxRelayRunner } from './outbox-relay-runner.js';
import { OutboxMetrics } from './outbox-metrics.js';
import { JetStreamConsumerMetrics } from './jetstream-consumer-metrics.js';

export interface EventStoreModuleOptions {
  /** Run the outbox relay in this service (services that append events). */
  relay: boolean;
}

/**
 * The event store for a service: migrates the `event_store` schema before anything else uses it
 * (Kysely's Migrator locks, so replicas starting together are safe) and provides `EVENT_STORE`;
 * reports the dead letters (`livedesk_dead_letters`, see DeadLetterMetrics), the outbox relay's
 * lag (OutboxMetrics) and the event stream's durable consumers (JetStreamConsumerMetrics).
 */
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreModuleOptions): DynamicModule {
    const providers: Provider[] = [
      {
        provide: EVENT_STORE,
        inject: [DATABASE],
        useFactory: async (db: Kysely<EventStoreTables>) => {
          await migrateEventStore(db);
          return new EventStore(db);
        },
      },
      DeadLetterMetrics,
      OutboxMetrics,
      JetStreamConsumerMetrics,
    ];
    if (options.relay) providers.push(OutboxRelayRunner);
    return { module: EventStoreModule, providers, exports: [EVENT_STORE] };
  }
}
