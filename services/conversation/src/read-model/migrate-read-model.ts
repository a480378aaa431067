import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as chats20261124 from './migrations/2026-11-24-01-chats.js';

const migrations: Record<string, Migration> = {
  '2026-11-24-01-chats': chats20261124,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Brings the `conversation` schema (the service's read model) up to date; the Migrator locks. */
export async function migrateReadModel(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableSchema: 'public',
    migrationTableName: 'conversation_migrations',
    migrationLockTableName: 'conversation_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`conversation migration ${failed ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
