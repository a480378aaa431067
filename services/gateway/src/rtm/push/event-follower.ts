import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventEnvelope, eventSubjectWildcard } from '@livedesk/contracts';
import { ensureEventStream, isByReference } from '@livedesk/event-store';
import { OrderedFollower } from '@livedesk/messaging';
import type { ServiceConfig } from '@livedesk/service-kit';
import type { PushLag } from '../overload/admission.js';

/**
 * Follows one category of events on JetStream for pushes: every gateway replica reads every
 * event of the category with an ordered consumer of its own, from the moment it starts, and
 * `handle`s each (pushing to the sockets it holds). After a NATS outage it goes on right after
 * the last event it handled (`OrderedFollower`). A replica that restarts misses what happened
 * while it was down; its clients catch up with `get_chat` (conversation events) or the
 * ticketing API. A push failure is logged and the next event goes on. Given a `PushLag`, it
 * tells it when each event was stored and when its pushes are done (overload, docs/limits.md).
 */
export abstract class EventFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private follower: OrderedFollower | undefined;

  constructor(
    private readonly category: string,
    private readonly nats: NatsConnection,
    private readonly config: ServiceConfig,
    private readonly lag?: PushLag,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureEventStream(await jetstreamManager(this.nats), {
      name: this.config.LIVEDESK_EVENTS_STREAM,
      subjectPrefix: this.config.LIVEDESK_SUBJECT_PREFIX,
      replicas: this.config.JETSTREAM_REPLICAS,
    });
    this.follower = new OrderedFollower({
      nats: this.nats,
      stream: this.config.LIVEDESK_EVENTS_STREAM,
      filterSubject: eventSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX, this.category),
      handle: async (message) => {
        const envelope = EventEnvelope.parse(message.json());
        // When JetStream stored the event: the event's own occurred_at is domain time (a test
        // clock's, or a past time of imported history), not when it entered the push path.
        this.lag?.started(message.info.timestampNanos / 1e6);
        try {
          await (isByReference(envelope) ? this.handleByReference(envelope) : this.handle(envelope));
        } finally {
          this.lag?.finished(Date.now(), message.info.pending);
        }
      },
      onError: (error, message) =>
        this.logger.error({ err: error, subject: message.subject }, `push failed for a ${this.category} event`),
      onResume: (reason, fromSequence) =>
        this.logger.log(`following ${this.category} events again from sequence ${fromSequence}: ${reason}`),
    });
    await this.follower.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower?.stop();
  }

  protected abstract handle(event: EventEnvelope): Promise<void>;

  /**
   * A placeholder the outbox relay published for an event NATS could not carry
   * (docs/dead-letters.md): it has no data to push. By default it is skipped, and clients read
   * the chat or ticket over the API; a follower that can fetch the event overrides this.
   */
  protected async handleByReference(event: EventEnvelope): Promise<void> {
    this.logger.warn(
      `${event.type} ${event.event_id} of ${event.stream_id} was published by reference; no push for it`,
    );
  }
}
