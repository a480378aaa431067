import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { signalSubject, signalSubjectWildcard } from '@livedesk/contracts';
import { followSignals } from '@livedesk/messaging';
import type { ServiceConfig } from '@livedesk/service-kit';
import type { z } from 'zod';
import type { ConnectionRegistry } from './connection-registry.js';

/**
 * One kind of ephemeral signal between gateway replicas (and from routing): core NATS only,
 * never stored (docs/architecture.md, data flow 5), on `<prefix>.signal.<kind>.<organization>`. Every
 * replica follows every organization's signals of the kind and `deliver`s each to its own
 * sockets. A message that is not JSON or not the schema is logged and dropped: a signal is
 * input like any other. Subclasses inject the connection, config and registry and pass them on.
 */
export abstract class SignalRelay<T extends { organization_id: string }>
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  protected readonly logger = new Logger(this.constructor.name);
  private subscription: Subscription | undefined;

  constructor(
    private readonly kind: string,
    private readonly schema: z.ZodType<T>,
    private readonly nats: NatsConnection,
    private readonly config: ServiceConfig,
    protected readonly registry: ConnectionRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const subject = signalSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX, this.kind);
    this.subscription = followSignals(this.nats, subject, this.schema, (signal) => this.deliver(signal), this.logger);
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  publish(signal: T): void {
    this.nats.publish(
      signalSubject(this.config.LIVEDESK_SUBJECT_PREFIX, this.kind, signal.organization_id),
      JSON.stringify(signal),
    );
  }

  /** Pushes one signal to the sockets of this replica that should see it. */
  protected abstract deliver(signal: T): void;
}
