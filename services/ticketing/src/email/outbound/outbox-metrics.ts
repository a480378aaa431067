import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import { DATABASE, METRICS_REGISTRY } from '@livedesk/service-kit';
import type { TicketingTables } from '../../read-model/ticketing-tables.js';

/** Every state of a delivery: each is reported, 0 when no delivery is in it. */
const STATES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;

interface OutboxFigures {
  byStatus: Map<string, number>;
  oldestPendingSeconds: number;
}

/**
 * The email outbox (`ticketing.outbound_emails`), read from Postgres at each scrape:
 * `ticketing_outbound_emails{status}`, the deliveries in each state, and
 * `ticketing_outbound_email_oldest_pending_seconds`, how long the oldest delivery not yet sent
 * (pending or sending) has waited since it was written. Every replica reports the whole outbox.
 */
@Injectable()
export class OutboundEmailMetrics {
  private pending: Promise<OutboxFigures> | undefined;

  constructor(@Inject(DATABASE) db: Kysely<TicketingTables>, @Inject(METRICS_REGISTRY) registry: Registry) {
    const figures = async (): Promise<OutboxFigures> => {
      const { rows } = await sql<{ status: string; count: string; oldest_seconds: string | null }>`
        SELECT status, count(*) AS count,
               extract(epoch FROM now() - min(created_at) FILTER (WHERE status IN ('pending', 'sending'))) AS oldest_seconds
          FROM ticketing.outbound_emails
         GROUP BY status`.execute(db);
      return {
        byStatus: new Map(rows.map((row) => [row.status, Number(row.count)])),
        oldestPendingSeconds: Math.max(0, ...rows.map((row) => Number(row.oldest_seconds ?? 0))),
      };
    };
    const read = () => (this.pending ??= figures().finally(() => setImmediate(() => (this.pending = undefined))));
    new Gauge({
      name: 'ticketing_outbound_emails',
      help: 'Deliveries of the email outbox in each state: pending, sending, sent, failed, cancelled',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        try {
          const { byStatus } = await read();
          this.reset();
          for (const status of new Set([...STATES, ...byStatus.keys()]))
            this.set({ status }, byStatus.get(status) ?? 0);
        } catch {
          // Postgres away: the scrape goes on without this figure (readiness says why).
          this.reset();
        }
      },
    });
    new Gauge({
      name: 'ticketing_outbound_email_oldest_pending_seconds',
      help: 'How long the oldest delivery not yet sent (pending or sending) has waited since it was written (0 when none)',
      registers: [registry],
      async collect() {
        try {
          this.set((await read()).oldestPendingSeconds);
        } catch {
          this.reset();
        }
      },
    });
  }
}
