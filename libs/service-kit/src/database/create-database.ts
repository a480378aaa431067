import { createDatabase as createPool } from '@livedesk/event-store';
import { sql, type Kysely } from 'kysely';
import { ensureDatabase } from './ensure-database.js';

/**
 * The Kysely instance a service queries with. Each service describes its own tables, so the
 * shared provider is typed with no tables; inject it as `Kysely<YourTables>`.
 */
export type Database = Kysely<Record<string, never>>;

export interface CreateDatabaseOptions {
  url: string;
  applicationName: string;
  maxConnections?: number;
}

/** Creates the database if missing, opens the pool, and checks a connection works. */
export async function createDatabase(options: CreateDatabaseOptions): Promise<Database> {
  await ensureDatabase(options.url);
  const database: Database = createPool(options.url, {
    max: options.maxConnections ?? 10,
    applicationName: options.applicationName,
  });
  try {
    await sql`SELECT 1`.execute(database);
  } catch (error) {
    await database.destroy();
    throw error;
  }
  return database;
}
