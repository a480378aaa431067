import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  AGENT_CHANGED_SIGNAL,
  CUSTOMER_BANNED_SIGNAL,
  ORGANIZATION_CHANGED_SIGNAL,
  OrganizationChangedSignal,
  signalSubject,
  signalSubjectWildcard,
  type AgentChangedSignal,
  type CustomerBannedSignal,
} from '@livedesk/contracts';
import { AllowedOrigins } from '@livedesk/auth';
import { followSignals, isNatsConnected, NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';

/** How long an answer waits for the NATS server to confirm its signal. */
export const SIGNAL_FLUSH_TIMEOUT_MS = 1000;

/**
 * The directory's change signals (core NATS, never stored; the directory row is the truth):
 * `agent_changed` makes the gateways forget an agent's public profile and close a disabled
 * agent's sockets at once, and the APIs that verify tokens forget what they cached about the
 * agent; `customer_banned` makes the gateways close a banned customer's sockets;
 * `organization_changed` makes every gateway and identity replica forget the
 * organization's cached `allowed_origins` (this replica forgets its own at once).
 *
 * Each publish resolves once the NATS server has the signal (a PING after it: `flush`), so the
 * HTTP or command answer that follows cannot overtake it: a client that reads the answer and
 * then acts (sends a message, opens a socket) meets gateways that have the signal or are
 * reading it. A server that does not answer within `SIGNAL_FLUSH_TIMEOUT_MS` costs a warning,
 * not the change: the caches expire on their own.
 */
@Injectable()
export class DirectorySignals implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DirectorySignals.name);
  private subscription: Subscription | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(AllowedOrigins) private readonly allowedOrigins: AllowedOrigins,
  ) {}

  agentChanged(signal: AgentChangedSignal): Promise<void> {
    return this.publish(AGENT_CHANGED_SIGNAL, signal);
  }

  customerBanned(signal: CustomerBannedSignal): Promise<void> {
    return this.publish(CUSTOMER_BANNED_SIGNAL, signal);
  }

  organizationChanged(signal: OrganizationChangedSignal): Promise<void> {
    this.allowedOrigins.forget(signal.organization_id);
    return this.publish(ORGANIZATION_CHANGED_SIGNAL, signal);
  }

  onApplicationBootstrap(): void {
    this.subscription = followSignals(
      this.nats,
      signalSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX, ORGANIZATION_CHANGED_SIGNAL),
      OrganizationChangedSignal,
      (signal) => this.allowedOrigins.forget(signal.organization_id),
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private async publish(kind: string, signal: { organization_id: string }): Promise<void> {
    const subject = signalSubject(this.config.LIVEDESK_SUBJECT_PREFIX, kind, signal.organization_id);
    this.nats.publish(subject, JSON.stringify(signal));
    if (!(await isNatsConnected(this.nats, SIGNAL_FLUSH_TIMEOUT_MS)))
      this.logger.warn(
        { subject },
        'NATS did not confirm a directory signal; caches elsewhere keep the old value until they expire',
      );
  }
}
