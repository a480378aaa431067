import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { TicketStatus, TicketSummary } from '@livedesk/contracts';
import { decodeCursor, encodeCursor } from '@livedesk/service-kit';
import type { OpenedTicket } from '../domain/index.js';
import type { TicketingTables, TicketsTable } from './ticketing-tables.js';

export type TicketRow = Selectable<TicketsTable>;

/**
 * The ticket's row after a command, written in the transaction that appends its events, so a
 * list never shows a ticket in a state its stream does not have. `texts` are the words the
 * command added (subject, replies, notes): the row's full-text search grows by them.
 */
export async function upsertTicketRow(
  trx: Transaction<TicketingTables>,
  organizationId: string,
  ticket: OpenedTicket,
  texts: readonly string[],
): Promise<void> {
  const words = texts.join('\n').slice(0, 200_000);
  await trx
    .insertInto('ticketing.tickets')
    .values({
      ticket_id: ticket.ticketId,
      organization_id: organizationId,
      reference: ticket.reference,
      subject: ticket.subject,
      status: ticket.status,
      priority: ticket.priority,
      source: ticket.source,
      requester_customer_id: ticket.requester.customer_id ?? null,
      requester_email: ticket.requester.email ?? null,
      requester_name: ticket.requester.name ?? null,
      group_id: ticket.groupId,
      assignee_id: ticket.assigneeId,
      tags: [...ticket.tags],
      conversation_id: ticket.conversationId,
      search: sql`to_tsvector('simple', ${words})`,
      created_at: ticket.createdAt,
      updated_at: ticket.updatedAt,
      version: ticket.version,
    })
    .onConflict((oc) =>
      oc.column('ticket_id').doUpdateSet({
        subject: ticket.subject,
        status: ticket.status,
        priority: ticket.priority,
        group_id: ticket.groupId,
        assignee_id: ticket.assigneeId,
        tags: [...ticket.tags],
        search: sql`ticketing.tickets.search || to_tsvector('simple', ${words})`,
        updated_at: ticket.updatedAt,
        version: ticket.version,
      }),
    )
    .execute();
}

export interface TicketFilter {
  organizationId: string;
  /** Absent: every status but spam (spam is hidden from the default lists). */
  statuses?: readonly TicketStatus[];
  assigneeId?: string;
  groupId?: string;
  /** An email address (case-insensitive) or a customer id. */
  requester?: string;
  /** Words of the subject, the requester, the replies and notes (all of them, in any order). */
  text?: string;
  cursor?: string;
  limit: number;
}

/** Tickets most recently changed first, by keyset pagination on (updated_at, ticket_id). */
export async function listTickets(
  db: Kysely<TicketingTables>,
  filter: TicketFilter,
): Promise<{ rows: TicketRow[]; nextCursor: string | null }> {
  let select = db.selectFrom('ticketing.tickets').selectAll().where('organization_id', '=', filter.organizationId);
  select = filter.statuses ? select.where('status', 'in', [...filter.statuses]) : select.where('status', '!=', 'spam');
  if (filter.assigneeId !== undefined) select = select.where('assignee_id', '=', filter.assigneeId);
  if (filter.groupId !== undefined) select = select.where('group_id', '=', filter.groupId);
  if (filter.requester !== undefined) {
    const requester = filter.requester;
    select = select.where((eb) =>
      eb.or([
        eb(sql`lower(requester_email)`, '=', requester.toLowerCase()),
        eb('requester_customer_id', '=', requester),
      ]),
    );
  }
  if (filter.text !== undefined)
    select = select.where(sql<boolean>`search @@ plainto_tsquery('simple', ${filter.text})`);
  const after = decodeCursor(filter.cursor);
  if (after) select = select.where(sql<boolean>`(updated_at, ticket_id) < (${after.at}::timestamptz, ${after.id})`);
  const rows = await select
    .orderBy('updated_at', 'desc')
    .orderBy('ticket_id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.updated_at, last.ticket_id) : null,
  };
}

export function getTicketRow(
  db: Kysely<TicketingTables>,
  organizationId: string,
  ticketId: string,
): Promise<TicketRow | undefined> {
  return db
    .selectFrom('ticketing.tickets')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
}

/** By reference, whatever the organization: the caller checks it is theirs (a forged reply is refused). */
export function ticketByReference(
  db: Kysely<TicketingTables>,
  reference: string,
): Promise<Pick<TicketsTable, 'ticket_id' | 'organization_id'> | undefined> {
  return db
    .selectFrom('ticketing.tickets')
    .select(['ticket_id', 'organization_id'])
    .where('reference', '=', reference)
    .executeTakeFirst();
}

export function rowToSummary(row: TicketRow): TicketSummary {
  return {
    ticket_id: row.ticket_id,
    reference: row.reference,
    subject: row.subject,
    status: row.status as TicketSummary['status'],
    priority: row.priority as TicketSummary['priority'],
    source: row.source as TicketSummary['source'],
    requester: {
      ...(row.requester_customer_id === null ? {} : { customer_id: row.requester_customer_id }),
      ...(row.requester_email === null ? {} : { email: row.requester_email }),
      ...(row.requester_name === null ? {} : { name: row.requester_name }),
    },
    group_id: row.group_id,
    assignee_id: row.assignee_id,
    tags: row.tags,
    conversation_id: row.conversation_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: row.version,
  };
}
