import { afterAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { serviceUrls, uniqueTestId } from '@livedesk/testing';
import { createDatabase } from './create-database.js';
import { ensureDatabase } from './ensure-database.js';

describe('ensureDatabase', () => {
  const created: string[] = [];
  let adminUrl = '';

  afterAll(async () => {
    if (!adminUrl) return;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('creates a missing database once, even when replicas race, and opens a pool on it', async () => {
    adminUrl = (await serviceUrls()).databaseUrl;
    const name = `livedesk_${uniqueTestId()}`;
    created.push(name);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;

    await Promise.all(Array.from({ length: 4 }, () => ensureDatabase(url.toString())));
    await ensureDatabase(url.toString());

    const database = await createDatabase({ url: url.toString(), applicationName: 'ensure-database-test' });
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database);
    expect(rows[0]?.name).toBe(name);
    await database.destroy();
  });
});
