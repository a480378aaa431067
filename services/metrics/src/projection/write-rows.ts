import { CompiledQuery, type Transaction } from 'kysely';
import type { MetricsDatabase, MetricsTables } from './metrics-tables.js';

type TableName = keyof MetricsTables;

/**
 * Writes many rows in one statement: the rows travel as one JSON parameter and
 * `json_populate_recordset` turns them into the table's row type (columns by name, instants from
 * their ISO form), which is far cheaper for a replay than a statement or a bound parameter per
 * value. Row objects must carry every column of the table.
 */
export async function insertRows(
  trx: Transaction<MetricsDatabase>,
  table: TableName,
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx.executeQuery(
    CompiledQuery.raw(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(null::${table}, $1::json)`, [
      JSON.stringify(rows),
    ]),
  );
}

/** Inserts or replaces rows by their primary key `key`. */
export async function upsertRows(
  trx: Transaction<MetricsDatabase>,
  table: TableName,
  rows: readonly object[],
  key: readonly string[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).filter((column) => !key.includes(column));
  const set = columns.map((column) => `${column} = excluded.${column}`).join(', ');
  await trx.executeQuery(
    CompiledQuery.raw(
      `INSERT INTO ${table} SELECT * FROM json_populate_recordset(null::${table}, $1::json)
       ON CONFLICT (${key.join(', ')}) DO ${set === '' ? 'NOTHING' : `UPDATE SET ${set}`}`,
      [JSON.stringify(rows)],
    ),
  );
}

/** Deletes the rows of the given conversation cycles. */
export async function deleteCycles(
  trx: Transaction<MetricsDatabase>,
  table: TableName,
  cycles: readonly { conversation_id: string; cycle: number }[],
): Promise<void> {
  if (cycles.length === 0) return;
  await trx.executeQuery(
    CompiledQuery.raw(
      `DELETE FROM ${table} t USING unnest($1::text[], $2::int[]) AS d(conversation_id, cycle)
        WHERE t.conversation_id = d.conversation_id AND t.cycle = d.cycle`,
      [cycles.map((c) => c.conversation_id), cycles.map((c) => c.cycle)],
    ),
  );
}
