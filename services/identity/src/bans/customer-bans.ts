import { sql, type Kysely } from 'kysely';
import { allEvents, DomainError, streamId, type CustomerEvent } from '@livedesk/contracts';
import { AppendNotifier, CommandHandler } from '@livedesk/event-store';
import { MicroBatcher } from '@livedesk/service-kit';
import type { DirectoryTables } from '../directory-tables.js';
import {
  banInForce,
  decideCustomerBan,
  evolveCustomerBan,
  initialCustomerBans,
  type CustomerBanCommand,
  type CustomerBanState,
} from './customer-ban-decider.js';

/** The namespace of the ids of the events bans append (never change it). */
const CUSTOMER_BAN_ID_NAMESPACE = '9b3e61f4-27c8-4d0a-b5e2-4f7a1c93d806';

export interface BanInForce {
  bannedUntil: Date | null;
  reason: string | null;
}

/**
 * Customers' bans: every ban and its lifting an event of the customer's stream
 * (`customer-<id>`), decided by `decideCustomerBan`; `directory.customer_bans` is its read model,
 * written in the append's transaction, which the logins read (`inForce`). A ban ends by itself
 * at `banned_until`: the read compares it with the time, nothing needs to run then.
 */
export class CustomerBans {
  private readonly handler: CommandHandler<DirectoryTables, CustomerBanCommand, CustomerEvent, CustomerBanState>;

  constructor(private readonly db: Kysely<DirectoryTables>) {
    const appended = new AppendNotifier(db);
    this.handler = new CommandHandler({
      db,
      relay: { notifyAppended: () => appended.poke() },
      decider: { decide: decideCustomerBan, evolve: evolveCustomerBan, initialState: initialCustomerBans },
      codec: allEvents,
      idNamespace: CUSTOMER_BAN_ID_NAMESPACE,
      notFound: () => customerNotFound(),
      project: async (trx, change, context) => {
        for (const event of change.events) {
          if (event.type === 'CustomerBanned') {
            const row = {
              banned_until: event.data.banned_until === null ? null : new Date(event.data.banned_until),
              reason: event.data.reason ?? null,
              banned_by: event.data.by_agent_id,
              banned_at: event.occurredAt,
            };
            await trx
              .insertInto('directory.customer_bans')
              .values({ organization_id: context.organizationId, customer_id: event.data.customer_id, ...row })
              .onConflict((conflict) => conflict.columns(['organization_id', 'customer_id']).doUpdateSet(row))
              .execute();
          } else if (event.type === 'CustomerUnbanned') {
            await trx
              .deleteFrom('directory.customer_bans')
              .where('organization_id', '=', context.organizationId)
              .where('customer_id', '=', event.data.customer_id)
              .execute();
          }
        }
      },
    });
  }

  /**
   * Runs a ban command for a customer the caller checked to be of the organization; answers
   * the ban in force afterwards. `commandId` makes a retried command store nothing twice.
   */
  async execute(organizationId: string, command: CustomerBanCommand, commandId: string): Promise<BanInForce | null> {
    const result = await this.handler.handle(streamId('customer', command.customerId), command, {
      organizationId,
      commandId,
      metadata: { actor: { kind: 'agent', id: command.byAgentId } },
    });
    return banInForce(result.state, command.now);
  }

  /** Many logins' `LoginBanState` asked together, answered by few statements (`customerBanStates`). */
  private readonly loginStates = new MicroBatcher(
    (wanted: readonly { organizationId: string; customerId: string; now: Date }[]) =>
      customerBanStates(this.db, wanted),
  );

  /** Whether the customer is in the directory and their ban in force at `now`: what a login asks, batched with the others. */
  loginState(organizationId: string, customerId: string, now: Date): Promise<LoginBanState> {
    return this.loginStates.load({ organizationId, customerId, now });
  }

  /** The customer's ban in force at `now`, if any. */
  async inForce(organizationId: string, customerId: string, now: Date): Promise<BanInForce | null> {
    const row = await this.db
      .selectFrom('directory.customer_bans')
      .select(['banned_until', 'reason'])
      .where('organization_id', '=', organizationId)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (!row) return null;
    if (row.banned_until !== null && row.banned_until.getTime() <= now.getTime()) return null;
    return { bannedUntil: row.banned_until, reason: row.reason };
  }
}

/** Whether a customer is in the organization's directory, and their ban in force, as a login asks. */
export interface LoginBanState {
  customerExists: boolean;
  ban: BanInForce | null;
}

/**
 * Many customers' `LoginBanState`, each at its `now`, in one statement (the logins of a reconnect
 * storm arrive together): each matched on the organization and the customer id together, a
 * ban counting only for a customer of the directory, as `inForce` after `getCustomer` answers.
 */
export async function customerBanStates(
  db: Kysely<DirectoryTables>,
  wanted: readonly { organizationId: string; customerId: string; now: Date }[],
): Promise<LoginBanState[]> {
  if (wanted.length === 0) return [];
  const { rows } = await sql<{
    organization_id: string;
    customer_id: string;
    customer_exists: boolean;
    banned_until: Date | null;
    reason: string | null;
    banned: boolean;
  }>`
    SELECT wanted.organization_id, wanted.customer_id, c.id IS NOT NULL AS customer_exists,
           b.banned_until, b.reason, b.customer_id IS NOT NULL AS banned
      FROM unnest(${wanted.map((w) => w.organizationId)}::text[], ${wanted.map((w) => w.customerId)}::text[])
           AS wanted(organization_id, customer_id)
      LEFT JOIN directory.customers c ON c.organization_id = wanted.organization_id AND c.id = wanted.customer_id
      LEFT JOIN directory.customer_bans b
             ON b.organization_id = wanted.organization_id AND b.customer_id = wanted.customer_id`.execute(db);
  const key = (organizationId: string, customerId: string) => JSON.stringify([organizationId, customerId]);
  const found = new Map(rows.map((row) => [key(row.organization_id, row.customer_id), row]));
  return wanted.map((w) => {
    const row = found.get(key(w.organizationId, w.customerId))!;
    const inForce =
      row.customer_exists && row.banned && (row.banned_until === null || row.banned_until.getTime() > w.now.getTime());
    return {
      customerExists: row.customer_exists,
      ban: inForce ? { bannedUntil: row.banned_until, reason: row.reason } : null,
    };
  });
}

export function customerNotFound(): DomainError {
  return new DomainError('not_found', 'customer_not_found', 'The customer does not exist.');
}
