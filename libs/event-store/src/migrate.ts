import type { Kysely } from 'kysely';
import { migrateSchema } from './migrate-schema.js';
import * as eventStore20261124 from './migrations/2026-11-24-01-event-store.js';
import * as deadLetters20261205 from './migrations/2026-12-05-01-dead-letters.js';

/** Brings the `event_store` schema up to date (see migrate-schema.ts). */
export async function migrateEventStore(db: Kysely<any>): Promise<void> {
  await migrateSchema(db, {
    name: 'event_store',
    label: 'event store',
    migrations: {
      '2026-11-24-01-event-store': eventStore20261124,
      '2026-12-05-01-dead-letters': deadLetters20261205,
    },
  });
}
