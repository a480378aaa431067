import { Inject, Injectable } from '@nestjs/common';
import { outboxBacklog, type EventStoreTables } from '@livedesk/event-store';
import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import { DATABASE } from '../database/database.tokens.js';
import { METRICS_REGISTRY } from '../metrics/metrics.tokens.js';

/**
 * The outbox relay's lag: `livedesk_outbox_unpublished_events`, the events committed and not
 * yet published to JetStream, and `livedesk_outbox_oldest_unpublished_seconds`, the age of the
 * oldest of them. Read from Postgres at each scrape (one query for both), so every replica of
 * every writing service reports the installation's figure, whichever replica leads the relay
 * (alert on the max; docs/observability.md).
 */
@Injectable()
export class OutboxMetrics {
  private pending: ReturnType<typeof outboxBacklog> | undefined;

  constructor(@Inject(DATABASE) db: Kysely<EventStoreTables>, @Inject(METRICS_REGISTRY) registry: Registry) {
    // Both gauges are collected in the same scrape: one query serves the two.
    const read = () =>
      (this.pending ??= outboxBacklog(db).finally(() => setImmediate(() => (this.pending = undefined))));
    new Gauge({
      name: 'livedesk_outbox_unpublished_events',
      help: 'Events committed to the event store and not yet published to JetStream by the outbox relay',
      registers: [registry],
      async collect() {
        try {
          this.set((await read()).events);
        } catch {
          // Postgres away: the scrape goes on without this figure (readiness says why).
          this.reset();
        }
      },
    });
    new Gauge({
      name: 'livedesk_outbox_oldest_unpublished_seconds',
      help: 'Age of the oldest event committed and not yet published by the outbox relay (0 when none)',
      registers: [registry],
      async collect() {
        try {
          this.set((await read()).oldestAgeSeconds);
        } catch {
          this.reset();
        }
      },
    });
  }
}
