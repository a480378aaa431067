import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE directory.canned_responses (
      id              text PRIMARY KEY,
      organization_id text NOT NULL REFERENCES directory.organizations (id),
      agent_id        text REFERENCES directory.agents (id),
      shortcut        text NOT NULL,
      text            text NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT canned_responses_shortcut_unique UNIQUE NULLS NOT DISTINCT (organization_id, agent_id, shortcut)
    )`.execute(db);
  await sql`COMMENT ON TABLE directory.canned_responses IS
    'Canned responses: shared by the organization (agent_id null) or personal to one agent.'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE directory.canned_responses`.execute(db);
}
