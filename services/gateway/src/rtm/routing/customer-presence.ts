import { Injectable, Logger } from '@nestjs/common';
import type { CustomerPrincipal } from '@livedesk/auth';
import { CUSTOMER_PRESENCE_REFRESH_MAX } from '@livedesk/contracts';
import { DependencyUnavailableError, NoRespondersError } from '@livedesk/messaging';
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
   * (agent-presence-reporter.ts): CUSTOMER_PRESENCE_REFRESH_MAX sockets a command
   * (`customer_presence_refresh`), where one command a socket made a gateway of 5,000 customers
   * send routing 250 commands a second just to say that nothing changed. A socket that closed
   * while its report was on its way is reported closed again after it. A routing that does not
   * know the command (older than this gateway, during an upgrade) gets the reports one by one.
   */
  async refresh(connections: readonly RtmConnection[]): Promise<void> {
    const customers = connections.filter(
      (connection) => connection.principal?.kind === 'customer' && isOpen(connection),
    );
    for (let start = 0; start < customers.length; start += CUSTOMER_PRESENCE_REFRESH_MAX) {
      const batch = customers.slice(start, start + CUSTOMER_PRESENCE_REFRESH_MAX);
      try {
        await this.routing.customerPresenceRefresh(
          batch.map((connection) => ({ customer: customerOf(connection), connectionId: connection.id })),
        );
      } catch (error) {
        if (!(error instanceof NoRespondersError) || !(await this.oneByOne(batch))) {
          this.notHeard(error, customerOf(batch[0]!), 'routing did not hear of open customer sockets', batch.length);
          // Nobody answered, NATS is down or routing timed out: the next batches would fare the same.
          if (error instanceof DependencyUnavailableError) return;
        }
        continue;
      }
      await Promise.all(
        batch
          .filter((connection) => !isOpen(connection))
          .map((connection) => this.reportClosed(customerOf(connection), connection.id)),
      );
    }
  }

  /**
   * The reports of `batch` one command a socket (`customer_presence` with `refresh`), as a
   * routing older than `customer_presence_refresh` takes them. False when the first went
   * unheard too: no routing is listening at all, and the others are not sent.
   */
  private async oneByOne(batch: readonly RtmConnection[]): Promise<boolean> {
    const [first, ...rest] = batch;
    try {
      await this.routing.customerPresence(customerOf(first!), first!.id, true, true);
    } catch {
      return false;
    }
    if (!isOpen(first!)) await this.reportClosed(customerOf(first!), first!.id);
    for (let start = 0; start < rest.length; start += ONE_BY_ONE_AT_ONCE) {
      await Promise.all(
        rest.slice(start, start + ONE_BY_ONE_AT_ONCE).map(async (connection) => {
          const customer = customerOf(connection);
          try {
            await this.routing.customerPresence(customer, connection.id, true, true);
            if (!isOpen(connection)) await this.routing.customerPresence(customer, connection.id, false);
          } catch (error) {
            this.notHeard(error, customer, 'routing did not hear of an open customer socket');
          }
        }),
      );
    }
    return true;
  }

  closed(customer: CustomerPrincipal, connectionId: string): void {
    void this.reportClosed(customer, connectionId);
  }

  /** A socket closed (or closed while its refresh was on its way: its close may have reached routing first). */
  private async reportClosed(customer: CustomerPrincipal, connectionId: string): Promise<void> {
    try {
      await this.routing.customerPresence(customer, connectionId, false);
    } catch (error) {
      this.notHeard(error, customer, 'routing did not hear of a closed customer socket');
    }
  }

  private notHeard(error: unknown, customer: CustomerPrincipal, message: string, sockets = 1): void {
    this.failures.warn((leftOut) =>
      this.logger.warn(
        { err: error, customerId: customer.customerId, ...(sockets > 1 ? { sockets } : {}), leftOut },
        message,
      ),
    );
  }
}

/** Reports on their way at once when they go one command a socket (an older routing). */
const ONE_BY_ONE_AT_ONCE = 100;

function customerOf(connection: RtmConnection): CustomerPrincipal {
  return connection.principal as CustomerPrincipal;
}

function isOpen(connection: RtmConnection): boolean {
  return connection.socket.readyState === connection.socket.OPEN;
}
