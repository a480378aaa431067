import { sql, type Transaction } from 'kysely';
import type { TicketingTables } from '../../read-model/ticketing-tables.js';

export interface AcknowledgementLimits {
  perAddressPerHour: number;
  perOrganizationPerHour: number;
}

/**
 * Whether one more acknowledgement of a new ticket may be queued to `to`: at most
 * `perAddressPerHour` to one address (whatever the organization: a stranger's address typed
 * into many sites' widgets) and `perOrganizationPerHour` from one organization, counted in the
 * outbox over the last hour. Runs in the transaction that queues the mail; transaction-scoped
 * advisory locks on the organization, then the address, make concurrent tickets count one
 * after another. A ticket over the limit is still made; only its acknowledgement is not sent.
 */
export async function acknowledgementAllowed(
  trx: Transaction<TicketingTables>,
  organizationId: string,
  to: string,
  limits: AcknowledgementLimits,
): Promise<boolean> {
  const address = to.toLowerCase();
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`acknowledgements:organization:${organizationId}`}))`.execute(trx);
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`acknowledgements:address:${address}`}))`.execute(trx);
  const { rows } = await sql<{ to_address: number; organization: number }>`
    SELECT
      (SELECT count(*)::int FROM ticketing.outbound_emails
        WHERE kind = 'created' AND lower(to_address) = ${address} AND created_at > now() - interval '1 hour') AS to_address,
      (SELECT count(*)::int FROM ticketing.outbound_emails
        WHERE kind = 'created' AND organization_id = ${organizationId} AND created_at > now() - interval '1 hour') AS organization
  `.execute(trx);
  const counts = rows[0]!;
  return counts.to_address < limits.perAddressPerHour && counts.organization < limits.perOrganizationPerHour;
}
