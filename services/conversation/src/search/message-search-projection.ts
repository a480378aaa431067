import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import { eventSubjectWildcard } from '@livedesk/contracts';
import {
  BatchSubscription,
  ensureEventStream,
  loadCheckpoint,
  saveCheckpoint,
  START,
  tryLeaderSession,
  type EventStoreTables,
} from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, SERVICE_CONFIG } from '@livedesk/service-kit';
import type { ConversationConfig } from '../conversation-config.js';
import { applyBatchToSearchIndex, MESSAGE_SEARCH_CONSUMER, rebuildSearchIndex } from './message-search-index.js';
import { SearchLanguages } from './search-languages.js';

/**
 * The mark (a row of `event_store.checkpoints`) that the index was built from the whole event
 * store. Without it — the first start of a version with the search, or after an operator
 * deleted it to rebuild the index — one replica rebuilds the index in the background.
 */
export const SEARCH_INDEX_BUILT = 'conversation-message-search-built';

/**
 * The archive search's index (`conversation.search_messages`, `conversation.search_ratings`),
 * a projection of the conversation events through the durable consumer
 * `conversation-message-search` (message-search-index.ts), applied in batches (whatever arrived
 * while the last batch was written: one transaction for hundreds of messages under load, a lone
 * message at once): every batch commits with the consumer's positions, so an event is indexed
 * once. A message is searchable once indexed, within about 100 ms of being stored; the append (the
 * chat's hot path) writes nothing more for it. Replicas share the durable consumer; an event
 * whose predecessor in its chat another replica holds is handed back and comes again shortly.
 */
@Injectable()
export class MessageSearchProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: BatchSubscription<EventStoreTables>;
  private building: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<EventStoreTables>,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ConversationConfig,
    private readonly languages: SearchLanguages,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('MessageSearchProjection');
    this.subscription = new BatchSubscription({
      db,
      nats,
      streamName: config.LIVEDESK_EVENTS_STREAM,
      consumer: MESSAGE_SEARCH_CONSUMER,
      filterSubject: eventSubjectWildcard(config.LIVEDESK_SUBJECT_PREFIX, 'conversation'),
      handler: (events, trx) =>
        applyBatchToSearchIndex(trx, events, (organizationId) => this.languages.of(organizationId)),
      // A batch waits for more messages: under a steady flow, one transaction per
      // SEARCH_INDEX_LINGER_MS instead of one every few milliseconds, each with its round trips
      // and its WAL flush (Postgres's CPU at 600 messages/s about halved: bench/RESULTS.md).
      lingerMs: config.SEARCH_INDEX_LINGER_MS,
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
    this.building = this.buildUnlessBuilt().catch((error: unknown) => {
      this.logger.error(
        { err: error },
        'the search index was not built from the event store; the next start tries again',
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.subscription.stop();
    await this.building;
  }

  /**
   * Rebuilds the index when it is not marked built, on one replica (an advisory lock), while
   * live consumption goes on (rebuildSearchIndex); marks it built at the end. A rebuild cut
   * short leaves no mark, so the next start does it again from the beginning.
   */
  private async buildUnlessBuilt(): Promise<void> {
    if (await loadCheckpoint(this.db, SEARCH_INDEX_BUILT)) return;
    const session = await tryLeaderSession(this.config.DATABASE_URL, SEARCH_INDEX_BUILT, 'conversation-search-build');
    if (!session) return;
    try {
      if (await loadCheckpoint(this.db, SEARCH_INDEX_BUILT)) return;
      const started = Date.now();
      const applied = await rebuildSearchIndex(
        this.db,
        (organizationId) => this.languages.of(organizationId),
        () => this.stopping,
      );
      if (applied === undefined) return;
      await saveCheckpoint(this.db, SEARCH_INDEX_BUILT, START);
      this.logger.info({ applied, ms: Date.now() - started }, 'search index built from the event store');
    } finally {
      await session.end().catch(() => undefined);
    }
  }
}
