import type { Kysely, Transaction } from 'kysely';
import type { TicketingTables } from './ticketing-tables.js';

/** The Message-IDs of a ticket's emails so far, oldest first (the References of the next one). */
export async function threadOf(
  db: Kysely<TicketingTables> | Transaction<TicketingTables>,
  ticketId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('ticketing.email_messages')
    .select('message_id')
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.message_id);
}

export async function addToThread(
  trx: Transaction<TicketingTables>,
  organizationId: string,
  ticketId: string,
  messageIds: readonly { messageId: string; direction: 'inbound' | 'outbound' }[],
): Promise<void> {
  if (messageIds.length === 0) return;
  await trx
    .insertInto('ticketing.email_messages')
    .values(
      messageIds.map(({ messageId, direction }) => ({
        organization_id: organizationId,
        ticket_id: ticketId,
        message_id: messageId,
        direction,
      })),
    )
    .onConflict((oc) => oc.columns(['organization_id', 'message_id']).doNothing())
    .execute();
}

/** The tickets these Message-IDs belong to, in any organization: the caller refuses another organization's. */
export async function ticketsOfMessages(
  db: Kysely<TicketingTables>,
  messageIds: readonly string[],
): Promise<{ ticketId: string; organizationId: string; messageId: string }[]> {
  if (messageIds.length === 0) return [];
  const rows = await db
    .selectFrom('ticketing.email_messages')
    .select(['ticket_id', 'organization_id', 'message_id'])
    .where('message_id', 'in', [...messageIds])
    .orderBy('seq', 'desc')
    .execute();
  return rows.map((row) => ({
    ticketId: row.ticket_id,
    organizationId: row.organization_id,
    messageId: row.message_id,
  }));
}
