import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
//
// The derived rows of one agent day (derived-tables.ts) read the agent's status intervals and
// assignments that overlap the day. A btree on a start (or an end) finds them only by scanning
// the agent's whole history before (or after) the day, so a live recomputation of today's rows
// would cost more every day; a GiST index on the agent and the closed range [start, end] finds
// exactly the overlapping ones (an open one, its end null, runs to infinity). The agent is
// indexed by a 64-bit hash of its id (queries check the id itself too): GiST over text compares
// strings at every step and made the rebuild's inserts four times as costly. btree_gist gives
// GiST the equality on bigint; it is a trusted extension, which a database owner may create.

const indexes: [name: string, definition: string][] = [
  [
    'agent_status_intervals_overlapping',
    "ON metrics.agent_status_intervals USING gist (hashtextextended(agent_id, 0), tstzrange(started_at, ended_at, '[]'))",
  ],
  [
    'agent_assignments_overlapping',
    "ON metrics.agent_assignments USING gist (hashtextextended(agent_id, 0), tstzrange(assigned_at, released_at, '[]'))",
  ],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS btree_gist`.execute(db);
  for (const [name, definition] of indexes) await sql.raw(`CREATE INDEX ${name} ${definition}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...indexes].reverse()) await sql.raw(`DROP INDEX metrics.${name}`).execute(db);
}
