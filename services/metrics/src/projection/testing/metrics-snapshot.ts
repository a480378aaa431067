import { sql, type Kysely } from 'kysely';
import { PROJECTED_TABLES } from '../metrics-tables.js';

/**
 * Every row of every projected table, each table ordered by all its columns, so two builds of
 * the tables (live, rebuilt) compare with one `toEqual`.
 */
export async function metricsSnapshot(db: Kysely<any>): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of PROJECTED_TABLES) {
    const { rows } = await sql<
      Record<string, unknown>
    >`SELECT to_jsonb(t) AS row FROM ${sql.raw(table)} t ORDER BY to_jsonb(t)::text`.execute(db);
    snapshot[table] = rows.map((row) => row.row);
  }
  return snapshot;
}
