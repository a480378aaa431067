import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventEnvelope, eventSubjectWildcard } from '@livedesk/contracts';
import { ensureEventStream } from '@livedesk/event-store';
import type { ServiceConfig } from '@livedesk/service-kit';

/**
 * Follows one category of events on JetStream for pushes: every gateway replica reads every
 * event of the category with an ordered consumer of its own, from the moment it starts, and
 * `handle`s each (pushing to the sockets it holds). A replica that restarts misses what
 * happened while it was down; its clients catch up with `get_chat` (conversation events) or
 * the ticketing API. A push failure is logged and the next event goes on.
 */
export abstract class EventFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly category: string,
    private readonly nats: NatsConnection,
    private readonly config: ServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureEventStream(await jetstreamManager(this.nats), {
      name: this.config.LIVEDESK_EVENTS_STREAM,
      subjectPrefix: this.config.LIVEDESK_SUBJECT_PREFIX,
      replicas: this.config.JETSTREAM_REPLICAS,
    });
    const consumer = await jetstream(this.nats).consumers.get(this.config.LIVEDESK_EVENTS_STREAM, {
      filter_subjects: eventSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX, this.category),
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    this.messages = messages;
    this.loop = (async () => {
      for await (const message of messages) {
        try {
          await this.handle(EventEnvelope.parse(message.json()));
        } catch (error) {
          this.logger.error({ err: error, subject: message.subject }, `push failed for a ${this.category} event`);
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  protected abstract handle(event: EventEnvelope): Promise<void>;
}
