import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
//
// A rebuild drops the secondary indexes of the tables it refills and builds them once at the
// end (projection/deferred-indexes.ts); meanwhile their definitions are kept here, so that a
// rebuild stopped half-way leaves a record of every index still to be built.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE metrics.deferred_indexes (
      name        text PRIMARY KEY,
      definition  text NOT NULL
    )`.execute(db);
  await sql`COMMENT ON TABLE metrics.deferred_indexes IS
    'Projector bookkeeping: secondary indexes a metrics rebuild dropped and has not built again yet (it builds them at its end; a new leader builds what a stopped rebuild left).'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.deferred_indexes.name IS 'The index, schema-qualified.'`.execute(db);
  await sql`COMMENT ON COLUMN metrics.deferred_indexes.definition IS 'Its CREATE INDEX statement (pg_get_indexdef).'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE metrics.deferred_indexes`.execute(db);
}
