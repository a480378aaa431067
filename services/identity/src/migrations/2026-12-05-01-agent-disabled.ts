import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.agents ADD COLUMN disabled_at timestamptz`.execute(db);
  await sql`COMMENT ON COLUMN directory.agents.disabled_at IS
    'When the agent was disabled (null: active). A disabled agent cannot log in and its tokens are refused.'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.agents DROP COLUMN disabled_at`.execute(db);
}
