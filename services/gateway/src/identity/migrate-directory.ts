import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as directory20261124 from './migrations/2026-11-24-01-directory.js';
import * as cannedResponses20261124 from './migrations/2026-11-24-02-canned-responses.js';

const migrations: Record<string, Migration> = {
  '2026-11-24-01-directory': directory20261124,
  '2026-11-24-02-canned-responses': cannedResponses20261124,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Brings the `directory` schema (organizations, groups, agents, customers) up to date. Kysely's
 * Migrator takes a lock, so gateway replicas that start together run each migration once; each
 * migration runs in its own transaction. Its bookkeeping tables are its own, apart from the
 * event store's, so the two schemas migrate independently.
 */
export async function migrateDirectory(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableSchema: 'public',
    migrationTableName: 'directory_migrations',
    migrationLockTableName: 'directory_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`directory migration ${failed ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
