import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { binaryCopyChunks } from './copy-binary.js';
import { copyLine, type CopyColumn } from './copy-text.js';
import type { MetricsTables } from './metrics-tables.js';

type TableName = keyof MetricsTables;

/** Inserts rows into a table; every row object carries the table's columns by name. */
export type InsertRows = (table: TableName, rows: readonly object[]) => Promise<void>;

/** Rows sent to the server at a time (a chunk of the COPY stream). */
const ROWS_PER_CHUNK = 500;

/** A column as COPY writes it: how its text is written, and its type (for the binary format). */
type TableColumn = CopyColumn & { type: string };

/**
 * Inserts rows with `COPY … FROM STDIN` on `client`, inside whatever transaction the client is
 * in: in the binary format (copy-binary.ts), or in the text format (copy-text.ts) when a column
 * or a value has no binary form equal to its text (or `format` is `text`). Postgres reads COPY
 * for less than the JSON of `json_populate_recordset` (write-rows.ts), which a rebuild pays for
 * every row it writes, and the binary format for less than the text (no numbers or instants to
 * parse). The columns (not generated, in table order) are read from the catalog once per table.
 */
export function copyRowsWith(client: pg.PoolClient, format: 'binary' | 'text' = 'binary'): InsertRows {
  const layouts = new Map<TableName, Promise<TableColumn[]>>();
  const layoutOf = (table: TableName): Promise<TableColumn[]> => {
    let layout = layouts.get(table);
    if (!layout) {
      layout = tableColumns(client, table);
      layouts.set(table, layout);
      layout.catch(() => layouts.delete(table));
    }
    return layout;
  };
  return async (table, rows) => {
    if (rows.length === 0) return;
    const columns = await layoutOf(table);
    const names = columns.map((column) => `"${column.name}"`).join(', ');
    const binary = format === 'binary' ? binaryCopyChunks(rows, columns) : undefined;
    if (binary) {
      const stream = client.query(copyFrom(`COPY ${table} (${names}) FROM STDIN (FORMAT binary)`));
      await pipeline(Readable.from(binary), stream);
      return;
    }
    const stream = client.query(copyFrom(`COPY ${table} (${names}) FROM STDIN`));
    await pipeline(Readable.from(lines(rows, columns)), stream);
  };
}

function* lines(rows: readonly object[], columns: readonly CopyColumn[]): Generator<string> {
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    let chunk = '';
    const end = Math.min(rows.length, start + ROWS_PER_CHUNK);
    for (let i = start; i < end; i++) chunk += copyLine(rows[i]!, columns);
    yield chunk;
  }
}

async function tableColumns(client: pg.PoolClient, table: TableName): Promise<TableColumn[]> {
  const { rows } = await client.query<{ name: string; category: string; type: string }>(
    `SELECT a.attname AS name, t.typcategory AS category, t.typname AS type
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [table],
  );
  if (rows.length === 0) throw new Error(`no columns found for ${table}`);
  return rows.map((row) => ({
    name: row.name,
    type: row.type,
    kind: row.category === 'A' ? 'array' : row.type === 'json' || row.type === 'jsonb' ? 'json' : 'scalar',
  }));
}
