import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Id, signalSubject, signalSubjectWildcard } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { z } from 'zod';
import { ConnectionRegistry } from '../connection-registry.js';
import { subscribeSignals } from '../subscribe-signals.js';

/** A typing indicator between gateway replicas: core NATS only, never stored (DESIGN.md, data flow 5). */
export const TypingSignal = z.object({
  organization_id: Id,
  chat_id: Id,
  customer_id: Id,
  assigned_agent_id: Id.nullable(),
  by: z.object({ kind: z.enum(['customer', 'agent']), id: Id }),
  is_typing: z.boolean(),
  preview: z.string().max(16_384).optional(),
});
export type TypingSignal = z.infer<typeof TypingSignal>;

/**
 * Publishes typing indicators and delivers the ones every replica publishes to the sockets of
 * this replica: a customer's to the assigned agent and the supervisors, with the unsent text
 * (sneak peek); an agent's to the customer, without any text.
 */
@Injectable()
export class TypingRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TypingRelay.name);
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly registry: ConnectionRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const subject = signalSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX, 'typing');
    this.subscription = subscribeSignals(this.nats, subject, TypingSignal, (signal) => this.deliver(signal), this.logger);
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  publish(signal: TypingSignal): void {
    this.nats.publish(signalSubject(this.config.LIVEDESK_SUBJECT_PREFIX, 'typing', signal.organization_id), JSON.stringify(signal));
  }

  private deliver(signal: TypingSignal): void {
    const org = signal.organization_id;
    const base = { chat_id: signal.chat_id, by: signal.by, is_typing: signal.is_typing };
    if (signal.by.kind === 'customer') {
      const text = JSON.stringify({
        action: 'typing_indicator',
        type: 'push',
        payload: { ...base, ...(signal.preview === undefined ? {} : { preview: signal.preview }) },
      });
      const agents = new Set([
        ...(signal.assigned_agent_id ? this.registry.agent(org, signal.assigned_agent_id) : []),
        ...this.registry.supervisors(org),
      ]);
      for (const connection of agents) connection.sendText(text);
    } else {
      const text = JSON.stringify({ action: 'typing_indicator', type: 'push', payload: base });
      for (const connection of this.registry.customer(org, signal.customer_id)) connection.sendText(text);
    }
  }
}

