import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ticketHttp, type TicketEventView, type TicketSummary } from '@livedesk/contracts';
import { EventStore } from '@livedesk/event-store';
import { DATABASE, EVENT_STORE } from '@livedesk/service-kit';
import { refuse } from '../domain/index.js';
import type { TicketingTables } from '../read-model/ticketing-tables.js';
import { getTicketRow, listTickets, rowToSummary, type TicketFilter } from '../read-model/tickets-table.js';
import { ticketEventPage } from './ticket-event-page.js';
import { ticketStreamId, toStoredTicketEvent } from './ticket-stream.js';

/** What agents read: lists of tickets (the read model) and one ticket with its history (its stream), page by page. */
@Injectable()
export class TicketQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<TicketingTables>,
  ) {}

  async list(filter: TicketFilter): Promise<{ tickets: TicketSummary[]; next_cursor: string | null }> {
    const { rows, nextCursor } = await listTickets(this.db, filter);
    return { tickets: rows.map(rowToSummary), next_cursor: nextCursor };
  }

  /** A customer's tickets, newest first, for the agents' view of the customer (`get_customer`); the subject is the preview. */
  async ofCustomer(organizationId: string, customerId: string, limit: number) {
    const rows = await this.db
      .selectFrom('ticketing.tickets')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('requester_customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .orderBy('ticket_id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(rowToSummary).map(({ ticket_id, reference, subject, status, created_at, updated_at }) => ({
      ticket_id,
      reference,
      subject,
      status,
      created_at,
      updated_at,
    }));
  }

  async summary(organizationId: string, ticketId: string): Promise<TicketSummary> {
    const row = await getTicketRow(this.db, organizationId, ticketId);
    if (!row) throw refuse.ticketNotFound();
    return rowToSummary(row);
  }

  /**
   * The ticket and one page of its history after `sinceVersion` (`ticketEventPage`), internal
   * notes included: agents only.
   */
  async get(
    organizationId: string,
    ticketId: string,
    page: { sinceVersion?: number; limit?: number } = {},
  ): Promise<{ ticket: TicketSummary; events: TicketEventView[]; has_more: boolean; next_since_version: number }> {
    const ticket = await this.summary(organizationId, ticketId);
    const sinceVersion = page.sinceVersion ?? 0;
    const limit = page.limit ?? ticketHttp.TICKET_PAGE_DEFAULT_EVENTS;
    const events = await this.store.readStream(ticketStreamId(ticketId), {
      afterVersion: sinceVersion,
      limit: limit + 1,
    });
    const views = events.map((event) => ({
      ticket_id: ticketId,
      version: event.streamVersion,
      event_id: event.eventId,
      type: event.type,
      created_at: event.occurredAt.toISOString(),
      data: toStoredTicketEvent(event).data as Record<string, unknown>,
    }));
    const {
      events: paged,
      hasMore,
      nextSinceVersion,
    } = ticketEventPage(views, sinceVersion, limit, ticketHttp.TICKET_PAGE_MAX_BYTES);
    return { ticket, events: paged, has_more: hasMore, next_since_version: nextSinceVersion };
  }
}
