import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { EventSubscription } from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { PinoLogger } from 'nestjs-pino';
import type { MetricsDatabase } from './conversation-cycles-table.js';
import { CONVERSATION_CYCLES_CONSUMER, projectConversation } from './project-conversation.js';

const START_RETRY_MS = 1000;

/**
 * The conversation events, through the durable consumer `metrics-conversations` the replicas
 * share, into `metrics.conversation_cycles`: each event is applied once, in stream order, in the
 * transaction that stores the consumer's position in its stream.
 */
@Injectable()
export class ConversationCyclesSubscription implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: EventSubscription<MetricsDatabase>;
  private readonly logger: PinoLogger;
  private starting: Promise<void> | undefined;
  private started = false;
  private stopping = false;

  constructor(
    @Inject(DATABASE) db: Kysely<unknown>,
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    logger: PinoLogger,
  ) {
    logger.setContext('ConversationCyclesSubscription');
    this.logger = logger;
    this.subscription = new EventSubscription<MetricsDatabase>({
      db: db as Kysely<MetricsDatabase>,
      nats,
      streamName: config.LIVEDESK_EVENTS_STREAM,
      consumer: CONVERSATION_CYCLES_CONSUMER,
      filterSubject: eventSubjectWildcard(config.LIVEDESK_SUBJECT_PREFIX, 'conversation'),
      handler: projectConversation,
      logger: logger.logger,
    });
  }

  /**
   * Starts in the background: the events stream is created by the outbox relay of a service that
   * appends events, which may boot after this one; until it exists, starting is retried.
   */
  onApplicationBootstrap(): void {
    this.starting = this.startWhenStreamExists();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    if (this.started) await this.subscription.stop();
  }

  private async startWhenStreamExists(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await this.subscription.start();
        this.started = true;
        return;
      } catch (error) {
        if (attempt === 1 || attempt % 30 === 0) {
          this.logger.warn({ err: error, attempt }, 'conversation events not consumable yet (no events stream?); retrying');
        }
        await new Promise((resolve) => setTimeout(resolve, START_RETRY_MS));
      }
    }
  }
}
