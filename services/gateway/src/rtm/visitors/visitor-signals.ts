import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Id, pushFrame, Visitor } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { z } from 'zod';
import { ConnectionRegistry } from '../connection-registry.js';
import { SignalRelay } from '../signal-relay.js';

/** Between gateway replicas, core NATS only: a visitor moved, or an agent greets a visitor. */
export const VisitorSignal = z.discriminatedUnion('type', [
  z.object({ type: z.literal('visitor_updated'), organization_id: Id, visitor: Visitor }),
  z.object({
    type: z.literal('greeting'),
    organization_id: Id,
    customer_id: Id,
    greeting_id: Id,
    agent_id: Id,
    text: z.string(),
  }),
]);
export type VisitorSignal = z.infer<typeof VisitorSignal>;

/** Sends visitor signals and pushes the ones of every replica to the sockets of this one. */
@Injectable()
export class VisitorSignals extends SignalRelay<VisitorSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
  ) {
    super('visitor', VisitorSignal, nats, config, registry);
  }

  protected deliver(signal: VisitorSignal): void {
    if (signal.type === 'visitor_updated') {
      const text = JSON.stringify(pushFrame('visitor_updated', signal.visitor));
      for (const connection of this.registry.agents(signal.organization_id)) connection.sendText(text);
      return;
    }
    const text = JSON.stringify(
      pushFrame('incoming_greeting', { greeting_id: signal.greeting_id, agent_id: signal.agent_id, text: signal.text }),
    );
    for (const connection of this.registry.customer(signal.organization_id, signal.customer_id))
      connection.sendText(text);
  }
}
