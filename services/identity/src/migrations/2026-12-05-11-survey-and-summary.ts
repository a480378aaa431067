import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.organizations ADD COLUMN survey_questions jsonb NOT NULL DEFAULT '[]'::jsonb`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN directory.organizations.survey_questions IS
    'The organization''s own post-chat survey questions, asked after CES: [{id, text, kind: scale (min, max) | text (max_length?) | choice (options)}].'`.execute(
    db,
  );
  await sql`ALTER TABLE directory.agents ADD COLUMN daily_summary boolean NOT NULL DEFAULT false`.execute(db);
  await sql`COMMENT ON COLUMN directory.agents.daily_summary IS
    'The agent gets the daily summary of their scope by email at 08:00 in the organization''s time zone.'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.organizations DROP COLUMN survey_questions`.execute(db);
  await sql`ALTER TABLE directory.agents DROP COLUMN daily_summary`.execute(db);
}
