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
import { followSignals, NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';

/**
 * The directory's change signals (core NATS, never stored; the directory row is the truth):
 * `agent_changed` makes the gateways forget an agent's public profile and close a disabled
 * agent's sockets at once, and the APIs that verify tokens forget what they cached about the
 * agent; `customer_banned` makes the gateways close a banned customer's sockets;
 * `organization_changed` makes every gateway and identity replica forget the
 * organization's cached `allowed_origins` (this replica forgets its own at once).
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

  agentChanged(signal: AgentChangedSignal): void {
    this.publish(AGENT_CHANGED_SIGNAL, signal);
  }

  customerBanned(signal: CustomerBannedSignal): void {
    this.publish(CUSTOMER_BANNED_SIGNAL, signal);
  }

  organizationChanged(signal: OrganizationChangedSignal): void {
    this.allowedOrigins.forget(signal.organization_id);
    this.publish(ORGANIZATION_CHANGED_SIGNAL, signal);
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

  private publish(kind: string, signal: { organization_id: string }): void {
    this.nats.publish(
      signalSubject(this.config.LIVEDESK_SUBJECT_PREFIX, kind, signal.organization_id),
      JSON.stringify(signal),
    );
  }
}
