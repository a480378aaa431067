import pg from 'pg';
import { uniqueTestId } from './run-id.js';
import { serviceUrls } from './service-urls.js';

export interface TestDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database for one spec file (`CREATE DATABASE` takes milliseconds), so that
 * no test ever sees rows of another test or of an earlier run.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { databaseUrl } = await serviceUrls();
  const name = `livedesk_${uniqueTestId()}`;
  await withAdminClient(databaseUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdminClient(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withAdminClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
