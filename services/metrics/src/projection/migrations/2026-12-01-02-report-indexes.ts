import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
//
// Indexes for the reports API (services/metrics/src/reports/) on what the first tables' indexes
// do not reach: organization-wide reads by a time other than the cycle's start. Plain CREATE
// INDEX, in the migration's transaction: it holds the projector's writes back while it builds
// (CONCURRENTLY cannot run in a transaction), which a rebuild-sized table makes a matter of
// seconds, not of correctness.

const indexes: [name: string, definition: string][] = [
  // Staffing: the chats that entered the human queue in each hour of the last weeks.
  [
    'conversation_cycles_by_queued',
    'ON metrics.conversation_cycles (organization_id, queued_at) WHERE queued_at IS NOT NULL',
  ],
  // Agents report and daily summary: first responses sent in a period, every agent at once
  // (conversation_cycles_by_first_responder leads with the agent).
  [
    'conversation_cycles_by_first_response',
    'ON metrics.conversation_cycles (organization_id, first_response_at) WHERE first_response_at IS NOT NULL',
  ],
  // Status intervals overlapping a period, every agent at once: those that end after its start,
  // and the open ones (ended_at null, which a btree index holds too).
  ['agent_status_intervals_by_end', 'ON metrics.agent_status_intervals (organization_id, ended_at)'],
  // Assignments overlapping a period, every agent at once, open ones included.
  ['agent_assignments_by_release', 'ON metrics.agent_assignments (organization_id, released_at)'],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, definition] of indexes) await sql.raw(`CREATE INDEX ${name} ${definition}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...indexes].reverse()) await sql.raw(`DROP INDEX metrics.${name}`).execute(db);
}
