import { Injectable, Logger } from '@nestjs/common';
import type { CustomerProfile } from '@livedesk/contracts';
import { DirectoryClient } from '../../directory/directory-client.js';
import type { ActionContext } from '../action-context.js';
import { ConversationClient } from '../conversation-client.js';
import { TicketingClient } from '../tickets/ticketing-client.js';
import { RtmError } from '../to-protocol-error.js';
import { VisitorDirectory } from '../visitors/visitor-directory.js';

/** Earlier chats and tickets in `get_customer`. */
const HISTORY_LIMIT = 20;

/**
 * `get_customer`: who the customer is (the identity service's directory: the identity the site
 * signed), where they are now (the gateway's visits), and what they asked before (their chats
 * this agent may open, from the conversation service; their tickets, from ticketing). A customer
 * of another organization is `not_found` before anything else is asked. Without a ticketing
 * service (a deployment without tickets) the tickets are an empty list, not a failure.
 */
@Injectable()
export class CustomerProfiles {
  private readonly logger = new Logger(CustomerProfiles.name);

  constructor(
    private readonly directory: DirectoryClient,
    private readonly visitors: VisitorDirectory,
    private readonly conversations: ConversationClient,
    private readonly ticketing: TicketingClient,
  ) {}

  async get(context: ActionContext, customerId: string): Promise<CustomerProfile> {
    const customer = await this.directory.customerRecord(context.organizationId, customerId);
    if (!customer) throw new RtmError('not_found', `customer ${customerId} does not exist`, 'customer_not_found');
    const [visit, { chats }, tickets] = await Promise.all([
      this.visitors.visitOf(context.organizationId, customerId),
      this.conversations.query('customer_chats', {
        organization_id: context.organizationId,
        actor: context.actor,
        customer_id: customerId,
        limit: HISTORY_LIMIT,
      }),
      this.ticketing
        .query('customer_tickets', {
          organization_id: context.organizationId,
          customer_id: customerId,
          limit: HISTORY_LIMIT,
        })
        .then((reply) => reply.tickets)
        .catch((error: unknown) => {
          this.logger.warn(
            { err: error, organizationId: context.organizationId },
            "ticketing did not answer a customer's tickets",
          );
          return [];
        }),
    ]);
    return {
      customer_id: customer.customer_id,
      name: customer.name,
      email: customer.email,
      external_id: customer.external_id,
      custom_fields: customer.custom_fields,
      visit,
      chats,
      tickets,
    };
  }
}
