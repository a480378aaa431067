import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ensureDatabase } from './ensure-database.js';

/**
 * The Kysely instance a service queries with. Each service describes its own tables, so the
 * shared provider is typed with no tables; inject it as `Kysely<YourTables>`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type Database = Kysely<{}>;

export interface CreateDatabaseOptions {
  url: string;
  applicationName: string;
  maxConnections?: number;
}

/** Creates the database if missing, opens the pool, and checks a connection works. */
export async function createDatabase(options: CreateDatabaseOptions): Promise<Database> {
  await ensureDatabase(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    application_name: options.applicationName,
    max: options.maxConnections ?? 10,
    // A session left idle inside a transaction holds back every reader of the global event
    // log (STYLE.md item 2), so Postgres ends it.
    options: '-c idle_in_transaction_session_timeout=60000',
  });
  const database = new Kysely<{}>({ dialect: new PostgresDialect({ pool }) });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await database.destroy();
    throw error;
  }
  return database;
}
