import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as conversationCycles20261124 from './migrations/2026-11-24-01-conversation-cycles.js';

const migrations: Record<string, Migration> = {
  '2026-11-24-01-conversation-cycles': conversationCycles20261124,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Brings the `metrics` schema (the tables for BI tools) up to date; the Migrator locks. */
export async function migrateMetrics(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableSchema: 'public',
    migrationTableName: 'metrics_migrations',
    migrationLockTableName: 'metrics_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`metrics migration ${failed ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
