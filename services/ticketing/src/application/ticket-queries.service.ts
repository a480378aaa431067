import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { TicketEventView, TicketSummary } from '@livedesk/contracts';
import { EventStore } from '@livedesk/event-store';
import { DATABASE, EVENT_STORE } from '@livedesk/service-kit';
import { refuse } from '../domain/index.js';
import type { TicketingTables } from '../read-model/ticketing-tables.js';
import { getTicketRow, listTickets, rowToSummary, type TicketFilter } from '../read-model/tickets-table.js';
import { ticketStreamId, toStoredTicketEvent } from './ticket-stream.js';

/** What agents read: lists of tickets (the read model) and one ticket with its whole history (its stream). */
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

  async summary(organizationId: string, ticketId: string): Promise<TicketSummary> {
    const row = await getTicketRow(this.db, organizationId, ticketId);
    if (!row) throw refuse.ticketNotFound();
    return rowToSummary(row);
  }

  /** The ticket and every event of it, internal notes included: agents only. */
  async get(organizationId: string, ticketId: string): Promise<{ ticket: TicketSummary; events: TicketEventView[] }> {
    const ticket = await this.summary(organizationId, ticketId);
    const events = await this.store.readStream(ticketStreamId(ticketId));
    return {
      ticket,
      events: events.map((event) => ({
        ticket_id: ticketId,
        version: event.streamVersion,
        event_id: event.eventId,
        type: event.type,
        created_at: event.occurredAt.toISOString(),
        data: toStoredTicketEvent(event).data as Record<string, unknown>,
      })),
    };
  }
}
