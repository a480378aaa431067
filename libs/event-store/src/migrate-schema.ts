import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';

export interface SchemaMigrations {
  /** The schema's name: its bookkeeping tables are `public.<name>_migrations` and `…_lock`. */
  name: string;
  /** By ISO-date name, frozen in time (docs/architecture.md, conventions). */
  migrations: Record<string, Migration>;
  /** For the error message (default: the name). */
  label?: string;
}

/**
 * Brings one schema up to date with Kysely's Migrator. It takes a lock, so replicas that start
 * together run each migration once, each in its own transaction. Every schema (event store,
 * a service's read model, …) keeps its own bookkeeping tables, so they migrate independently.
 */
export async function migrateSchema(db: Kysely<any>, schema: SchemaMigrations): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => schema.migrations };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableSchema: 'public',
    migrationTableName: `${schema.name}_migrations`,
    migrationLockTableName: `${schema.name}_migrations_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`${schema.label ?? schema.name} migration ${failed ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
