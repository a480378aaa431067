import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
//
// Groups and agents are recorded as GroupSaved / AgentSaved events of their organization's
// stream from now on (the metrics service keeps metrics.groups and metrics.agents from them).
// The groups and agents that exist already are announced once, here, with their state of now,
// so that an upgraded installation's copies are complete (a fresh one has none). The event
// store is migrated before the directory (migrate-directory.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    SELECT event_store.append_to_stream('organization-' || o.id, o.id, NULL, changes.events)
      FROM directory.organizations o
      JOIN LATERAL (
        SELECT jsonb_agg(event ORDER BY ord, created_at) AS events
          FROM (
            SELECT 1 AS ord, g.created_at, jsonb_build_object(
                     'event_id', gen_random_uuid(), 'type', 'GroupSaved', 'schema_version', 1,
                     'data', jsonb_build_object('group_id', g.id, 'name', g.name, 'routing', g.routing),
                     'metadata', jsonb_build_object('migration', '2026-12-05-10-directory-events'),
                     'occurred_at', now()) AS event
              FROM directory.groups g WHERE g.organization_id = o.id
            UNION ALL
            SELECT 2, a.created_at, jsonb_build_object(
                     'event_id', gen_random_uuid(), 'type', 'AgentSaved', 'schema_version', 1,
                     'data', jsonb_build_object(
                       'agent_id', a.id, 'name', a.name, 'display_name', a.display_name, 'role', a.role, 'kind', a.kind,
                       'group_ids', coalesce((SELECT jsonb_agg(ag.group_id ORDER BY ag.group_id) FROM directory.agent_groups ag
                                               WHERE ag.organization_id = a.organization_id AND ag.agent_id = a.id), '[]'::jsonb),
                       'disabled', a.disabled_at IS NOT NULL),
                     'metadata', jsonb_build_object('migration', '2026-12-05-10-directory-events'),
                     'occurred_at', now())
              FROM directory.agents a WHERE a.organization_id = o.id
          ) announced (ord, created_at, event)
      ) changes ON changes.events IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  // Events are never removed from the log.
}
