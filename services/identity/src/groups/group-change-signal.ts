import { Inject, Injectable, Optional } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ORGANIZATION_CHANGED_SIGNAL, signalSubject, type OrganizationChangedSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';

/**
 * Tells the gateways that one of an organization's groups was renamed or deleted (the
 * `organization_changed` signal), so that they forget the groups they keep: a deleted group is
 * refused to new chats at once, a new name shows at once. Where the service runs without NATS
 * (the integration tests) there is nobody to tell.
 */
@Injectable()
export class GroupChangeSignal {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Optional() @Inject(NATS_CONNECTION) private readonly nats?: NatsConnection,
  ) {}

  groupChanged(organizationId: string): void {
    const signal: OrganizationChangedSignal = { organization_id: organizationId };
    this.nats?.publish(
      signalSubject(this.config.LIVEDESK_SUBJECT_PREFIX, ORGANIZATION_CHANGED_SIGNAL, organizationId),
      JSON.stringify(signal),
    );
  }
}
