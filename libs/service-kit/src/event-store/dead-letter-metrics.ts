import { Inject, Injectable } from '@nestjs/common';
import { countOpenDeadLetters, type EventStoreTables } from '@livedesk/event-store';
import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import { DATABASE } from '../database/database.tokens.js';
import { METRICS_REGISTRY } from '../metrics/metrics.tokens.js';

/**
 * `livedesk_dead_letters{reader, status}`: the events each reader (the outbox relay, each
 * subscription) parked and an operator has not replayed or discarded yet (`parked`), and the
 * replays asked for and not carried out yet (`replay_requested`). Read from Postgres at each
 * scrape, so every replica reports the whole installation's figure (alert on its max above 0;
 * docs/dead-letters.md).
 */
@Injectable()
export class DeadLetterMetrics {
  constructor(@Inject(DATABASE) db: Kysely<EventStoreTables>, @Inject(METRICS_REGISTRY) registry: Registry) {
    new Gauge({
      name: 'livedesk_dead_letters',
      help: 'Events parked by a reader (outbox relay or subscription) and not yet replayed or discarded, by reader and status',
      labelNames: ['reader', 'status'],
      registers: [registry],
      async collect() {
        try {
          const counts = await countOpenDeadLetters(db);
          this.reset();
          for (const { reader, status, count } of counts) this.set({ reader, status }, count);
        } catch {
          // Postgres away: the scrape goes on without this figure (readiness says why).
          this.reset();
        }
      },
    });
  }
}
