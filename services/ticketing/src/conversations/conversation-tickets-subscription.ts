import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { ensureEventStream, EventSubscription } from '@livedesk/event-store';
import { jetstreamManager } from '@nats-io/jetstream';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { PinoLogger } from 'nestjs-pino';
import { ChatTranscripts } from '../transcripts/chat-transcripts.js';
import { ConversationTickets } from './conversation-tickets.js';

/** The durable consumer (and position owner) shared by the ticketing replicas. */
export const CONVERSATION_TICKETS_CONSUMER = 'ticketing-conversations';

/**
 * The conversation events, through the durable consumer `ticketing-conversations`: each event
 * reaches one replica, in stream order, and its position is stored once handled. The ticket a
 * handler creates has an id and event ids derived from the conversation event, so handling an
 * event twice (a crash between the ticket's commit and the position's) creates nothing twice.
 * The end of a chat may also send its transcript (ChatTranscripts), likewise once.
 */
@Injectable()
export class ConversationTicketsSubscription implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscription: EventSubscription<unknown>;

  constructor(
    @Inject(DATABASE) db: Kysely<unknown>,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    tickets: ConversationTickets,
    transcripts: ChatTranscripts,
    logger: PinoLogger,
  ) {
    logger.setContext('ConversationTicketsSubscription');
    this.subscription = new EventSubscription({
      db,
      nats,
      streamName: config.LIVEDESK_EVENTS_STREAM,
      consumer: CONVERSATION_TICKETS_CONSUMER,
      filterSubject: eventSubjectWildcard(config.LIVEDESK_SUBJECT_PREFIX, 'conversation'),
      // Both are idempotent by the event's id: a retry after the second failed repeats nothing the first did.
      handler: async (event) => {
        await tickets.handle(event);
        await transcripts.handle(event);
      },
      logger: logger.logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The events stream may not exist yet on a fresh installation (the relay of whichever
    // service boots first creates it); ensuring it here does not depend on the boot order.
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
}
