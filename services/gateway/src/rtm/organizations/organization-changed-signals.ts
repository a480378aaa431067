import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ORGANIZATION_CHANGED_SIGNAL, OrganizationChangedSignal } from '@livedesk/contracts';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { AllowedOrigins } from '@livedesk/auth';
import { DirectoryClient } from '../../directory/directory-client.js';
import { ConnectionRegistry } from '../connection-registry.js';
import { ORIGIN_NOT_ALLOWED_CLOSE_CODE } from '../frame-dispatcher.js';
import { SignalRelay } from '../signal-relay.js';

/**
 * An organization's settings changed (`PATCH /v1/organizations/:id`): every gateway replica
 * forgets the allowed origins and business hours it cached, so that the next token request or socket login reads
 * the new list, and closes the organization's customer sockets opened from an origin the list no
 * longer holds (4403), as their login would now be refused.
 */
@Injectable()
export class OrganizationChangedSignals extends SignalRelay<OrganizationChangedSignal> {
  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: ConnectionRegistry,
    @Inject(AllowedOrigins) private readonly allowedOrigins: AllowedOrigins,
    private readonly directory: DirectoryClient,
  ) {
    super(ORGANIZATION_CHANGED_SIGNAL, OrganizationChangedSignal, nats, config, registry);
  }

  protected deliver(signal: OrganizationChangedSignal): void {
    this.allowedOrigins.forget(signal.organization_id);
    this.directory.forgetOrganization(signal.organization_id);
    this.closeSocketsOfRemovedOrigins(signal.organization_id).catch((error: unknown) =>
      // The directory did not answer: those sockets stay open; new logins are checked as usual.
      this.logger.warn(
        { err: error, organizationId: signal.organization_id },
        'could not recheck the origins of open sockets',
      ),
    );
  }

  private async closeSocketsOfRemovedOrigins(organizationId: string): Promise<void> {
    const browserSockets = [...this.registry.connections()].filter(
      (connection) =>
        connection.endpoint === 'customer' &&
        connection.origin !== undefined &&
        connection.organizationId === organizationId &&
        !connection.closing,
    );
    for (const connection of browserSockets) {
      if ((await this.allowedOrigins.allows(organizationId, connection.origin!)) === false) {
        connection.close(ORIGIN_NOT_ALLOWED_CLOSE_CODE, 'origin not allowed');
      }
    }
  }
}
