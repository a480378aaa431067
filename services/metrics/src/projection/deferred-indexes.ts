import { sql, type Kysely, type Transaction } from 'kysely';
import { together } from '@livedesk/service-kit';
import { PROJECTED_TABLES, type MetricsDatabase } from './metrics-tables.js';

/**
 * A rebuild refills emptied tables. Keeping their secondary indexes (those no primary key,
 * unique or exclusion constraint needs) up to date row by row cost Postgres about 2 s of CPU
 * per million events more than building each once at the end (bench/RESULTS.md,
 * metrics-replay, "seventh session"). So the rebuild drops them with its TRUNCATE
 * (`deferSecondaryIndexes`) and builds them before the derived rows, which need them
 * (`buildDeferredIndexes`). Their definitions wait in `metrics.deferred_indexes`, written and
 * removed in the same transactions as the drops and the builds, so a rebuild stopped half-way
 * (an error, a crash) leaves a record of every index still to be built. They are built at the
 * rebuild's end, when it fails, and before live consumption starts.
 */

interface IndexDefinition {
  name: string;
  definition: string;
}

/** Records the projected tables' secondary indexes and drops them, in the caller's transaction. */
export async function deferSecondaryIndexes(trx: Transaction<MetricsDatabase>): Promise<number> {
  const { rows } = await sql<IndexDefinition>`
    SELECT format('%I.%I', n.nspname, ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_namespace n ON n.oid = ic.relnamespace
     WHERE i.indrelid = ANY(${[...PROJECTED_TABLES]}::regclass[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY 1`.execute(trx);
  if (rows.length === 0) return 0;
  await sql`
    INSERT INTO metrics.deferred_indexes (name, definition)
    SELECT * FROM unnest(${rows.map((row) => row.name)}::text[], ${rows.map((row) => row.definition)}::text[])
    ON CONFLICT (name) DO NOTHING`.execute(trx);
  await sql.raw(`DROP INDEX ${rows.map((row) => row.name).join(', ')}`).execute(trx);
  return rows.length;
}

/**
 * Builds every index `deferSecondaryIndexes` recorded, dealt out over the connections given,
 * each in a transaction that also removes its record (an index that exists already is not built
 * again). `beforeWrite` runs first in each (the leader's fence). Every connection's builds
 * settle before a failure is reported; the records of the indexes not built stay. Answers how
 * many records there were.
 */
export async function buildDeferredIndexes(
  dbs: readonly Kysely<MetricsDatabase>[],
  beforeWrite?: (trx: Transaction<MetricsDatabase>) => Promise<void>,
): Promise<number> {
  const { rows } = await sql<IndexDefinition>`
    SELECT name, definition FROM metrics.deferred_indexes ORDER BY name`.execute(dbs[0]!);
  await together(
    dbs.map(async (db, first) => {
      for (let i = first; i < rows.length; i += dbs.length) {
        const { name, definition } = rows[i]!;
        await db.transaction().execute(async (trx) => {
          await beforeWrite?.(trx);
          const { rows: found } = await sql<{ exists: boolean }>`
            SELECT to_regclass(${name}) IS NOT NULL AS exists`.execute(trx);
          if (!found[0]!.exists) await sql.raw(definition).execute(trx);
          await sql`DELETE FROM metrics.deferred_indexes WHERE name = ${name}`.execute(trx);
        });
      }
    }),
  );
  return rows.length;
}
