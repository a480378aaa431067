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

/** Every index of the metrics tables (name → definition), and how many a rebuild left to build (deferred-indexes.ts). */
export async function metricsIndexes(db: Kysely<any>): Promise<{ indexes: Record<string, string>; deferred: number }> {
  const { rows } = await sql<{ name: string; definition: string }>`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = 'metrics'`.execute(db);
  const { rows: deferred } = await sql<{ n: string }>`SELECT count(*) AS n FROM metrics.deferred_indexes`.execute(db);
  return {
    indexes: Object.fromEntries(rows.map((row) => [row.name, row.definition])),
    deferred: Number(deferred[0]!.n),
  };
}
