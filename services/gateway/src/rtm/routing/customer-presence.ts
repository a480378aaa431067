import { Injectable, Logger } from '@nestjs/common';
import type { CustomerPrincipal } from '@livedesk/auth';
import { WarningThrottle } from '@livedesk/service-kit';
import type { RtmConnection } from '../rtm-connection.js';
import { RoutingClient } from './routing-client.js';

/**
 * Tells routing when a customer's sockets come and go, on any replica: routing closes a queued
 * chat whose customer has had none for CHAT_ABANDON_SECONDS (`customer_left`). Best effort: a
 * routing that does not answer never keeps a customer out, and the periodic refresh
 * (`refresh`, on agent-presence-reporter.ts's period) repairs a lost report. While routing is
 * away every socket's report fails: the warning is logged once every few seconds, with the count.
 */
@Injectable()
export class CustomerPresence {
  private readonly logger = new Logger(CustomerPresence.name);
  private readonly failures = new WarningThrottle();

  constructor(private readonly routing: RoutingClient) {}

  /** After the login: the socket is open. Closed while the report was on its way: reported closed again, after it. */
  async opened(customer: CustomerPrincipal, connection: RtmConnection): Promise<void> {
    try {
      await this.routing.customerPresence(customer, connection.id, true);
      if (!isOpen(connection)) await this.routing.customerPresence(customer, connection.id, false);
    } catch (error) {
      this.notHeard(error, customer, 'routing did not hear of an open customer socket');
    }
  }

  /**
   * The periodic report of the customer sockets still open among `connections`
   * (agent-presence-reporter.ts), REFRESH_BATCH at a time: a replica holds many more customer
   * sockets than agent ones, and a routing that does not answer costs one timeout per batch.
   */
  async refresh(connections: readonly RtmConnection[]): Promise<void> {
    const customers = connections.filter(
      (connection) => connection.principal?.kind === 'customer' && isOpen(connection),
    );
    for (let start = 0; start < customers.length; start += REFRESH_BATCH) {
      await Promise.all(
        customers.slice(start, start + REFRESH_BATCH).map(async (connection) => {
          const customer = connection.principal as CustomerPrincipal;
          try {
            await this.routing.customerPresence(customer, connection.id, true, true);
            if (!isOpen(connection)) await this.routing.customerPresence(customer, connection.id, false);
          } catch (error) {
            this.notHeard(error, customer, 'routing did not hear of an open customer socket');
          }
        }),
      );
    }
  }

  closed(customer: CustomerPrincipal, connectionId: string): void {
    this.routing
      .customerPresence(customer, connectionId, false)
      .catch((error: unknown) => this.notHeard(error, customer, 'routing did not hear of a closed customer socket'));
  }

  private notHeard(error: unknown, customer: CustomerPrincipal, message: string): void {
    this.failures.warn((leftOut) =>
      this.logger.warn({ err: error, customerId: customer.customerId, leftOut }, message),
    );
  }
}

/** Customer sockets reported at once by the periodic refresh. */
const REFRESH_BATCH = 100;

function isOpen(connection: RtmConnection): boolean {
  return connection.socket.readyState === connection.socket.OPEN;
}
