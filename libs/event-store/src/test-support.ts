import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { sql, type Kysely } from 'kysely';
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

/**
 * Stores an event with raw SQL, past `append` and its bound on an event's size: an event
 * written before the bound existed, or by another writer (tests of the relay's and the
 * subscriptions' handling of events they cannot take).
 */
export async function injectEvent(
  db: Kysely<any>,
  streamId: string,
  organizationId: string,
  type: string,
  data: unknown,
): Promise<{ eventId: string; streamVersion: number }> {
  const eventId = randomUUID();
  const { rows } = await sql<{ stream_version: string }>`
    WITH s AS (
      INSERT INTO event_store.streams AS s (stream_id, organization_id, version) VALUES (${streamId}, ${organizationId}, 1)
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + 1
      RETURNING version
    )
    INSERT INTO event_store.events (event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at)
    SELECT ${eventId}::uuid, ${streamId}, s.version, ${organizationId}, ${type}, 1, ${JSON.stringify(data)}::jsonb, '{}'::jsonb, now() FROM s
    RETURNING stream_version`.execute(db);
  return { eventId, streamVersion: Number(rows[0]!.stream_version) };
}
