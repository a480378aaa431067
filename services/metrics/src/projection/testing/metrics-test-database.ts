import type { Kysely } from 'kysely';
import { createDatabase, EventStore, migrateEventStore } from '@livedesk/event-store';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { migrateMetrics } from '../migrate-metrics.js';
import type { MetricsDatabase } from '../metrics-tables.js';

export interface MetricsTestDatabase {
  /** The event store's and the metrics tables' database, of this test file alone. */
  db: Kysely<MetricsDatabase>;
  store: EventStore;
  close(): Promise<void>;
}

/** A database of its own with the event store and the metrics tables migrated. */
export async function metricsTestDatabase(poolSize = 4): Promise<MetricsTestDatabase> {
  const database: TestDatabase = await createTestDatabase();
  const raw = createDatabase(database.url, { max: poolSize });
  await migrateEventStore(raw);
  await migrateMetrics(raw);
  return {
    db: raw as unknown as Kysely<MetricsDatabase>,
    store: new EventStore(raw),
    async close() {
      await raw.destroy();
      await database.drop();
    },
  };
}
