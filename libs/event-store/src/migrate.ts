import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as eventStore20261124 from './migrations/2026-11-24-01-event-store.js';

const migrations: Record<string, Migration> = {
  '2026-11-24-01-event-store': eventStore20261124,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Brings the `event_store` schema up to date. Kysely's Migrator takes a lock, so replicas that
 * start together run each migration once; each migration runs in its own transaction.
 */
export async function migrateEventStore(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableSchema: 'public',
    migrationTableName: 'event_store_migrations',
    migrationLockTableName: 'event_store_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`event store migration ${failed ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
