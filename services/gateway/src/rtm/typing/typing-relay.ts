import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Id } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { z } from 'zod';
import { ConnectionRegistry } from '../connection-registry.js';
import { SignalRelay } from '../signal-relay.js';

/** A typing indicator between gateway replicas: core NATS only, never stored (docs/architecture.md, data flow 5). */
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
export class TypingRelay extends SignalRelay<TypingSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
  ) {
    super('typing', TypingSignal, nats, config, registry);
  }

  protected deliver(signal: TypingSignal): void {
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
