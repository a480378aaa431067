import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { ensureEventStream, EventSubscription, type EventStoreTables } from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { applyToSearchIndex, MESSAGE_SEARCH_CONSUMER, rebuildSearchIndex } from './message-search-index.js';
import { SearchLanguages } from './search-languages.js';

/**
 * The archive search's index (`conversation.search_messages`, `conversation.search_ratings`),
 * a projection of the conversation events through the durable consumer
 * `conversation-message-search` (message-search-index.ts): every write commits with the
 * consumer's position, so an event is indexed once. A message is searchable once indexed,
 * milliseconds after it is stored; the append (the chat's hot path) writes nothing more for it.
 */
@Injectable()
export class MessageSearchProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: EventSubscription<EventStoreTables>;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<EventStoreTables>,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly languages: SearchLanguages,
    logger: PinoLogger,
  ) {
    logger.setContext('MessageSearchProjection');
    this.subscription = new EventSubscription({
      db,
      nats,
      streamName: config.LIVEDESK_EVENTS_STREAM,
      consumer: MESSAGE_SEARCH_CONSUMER,
      filterSubject: eventSubjectWildcard(config.LIVEDESK_SUBJECT_PREFIX, 'conversation'),
      handler: (event, trx) => applyToSearchIndex(trx, event, (organizationId) => this.languages.of(organizationId)),
      logger: logger.logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The events stream may not exist yet on a fresh installation (whichever relay starts first creates it).
    await ensureEventStream(await jetstreamManager(this.nats), {
      name: this.config.LIVEDESK_EVENTS_STREAM,
      subjectPrefix: this.config.LIVEDESK_SUBJECT_PREFIX,
      replicas: this.config.JETSTREAM_REPLICAS,
    });
    await this.subscription.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription.stop();
  }

  /** Re-indexes every message from the event store (rebuildSearchIndex), e.g. after a change of search language. */
  rebuild(): Promise<number> {
    return rebuildSearchIndex(this.db, (organizationId) => this.languages.of(organizationId));
  }
}
