import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import type { Kysely } from 'kysely';
import { createDatabase, type EventStoreTables } from './database.js';
import { EventStore } from './event-store.js';
import { migrateEventStore } from './migrate.js';
import type { NewEvent } from './types.js';
import { randomUUID } from 'node:crypto';

export interface EventStoreFixture {
  database: TestDatabase;
  db: Kysely<EventStoreTables>;
  store: EventStore;
  close(): Promise<void>;
}

/** A migrated event store in a database of its own (tests only). */
export async function createEventStoreFixture(poolSize = 10): Promise<EventStoreFixture> {
  const database = await createTestDatabase();
  const db = createDatabase(database.url, { max: poolSize });
  await migrateEventStore(db);
  return {
    database,
    db,
    store: new EventStore(db),
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}

export function newEvent(type = 'TagAdded', data: unknown = { tag: 'x' }): NewEvent {
  return { eventId: randomUUID(), type, data };
}
