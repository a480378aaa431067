import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.agents ADD COLUMN display_name text, ADD COLUMN avatar_url text`.execute(db);
  await sql`COMMENT ON COLUMN directory.agents.display_name IS
    'The name customers see for the agent (null: its name).'`.execute(db);
  await sql`COMMENT ON COLUMN directory.agents.avatar_url IS
    'An https URL of the agent''s picture, shown to customers (null: none).'`.execute(db);
  await sql`ALTER TABLE directory.organizations
    ADD COLUMN welcome_message text,
    ADD COLUMN business_hours jsonb,
    ADD COLUMN widget_open_delay_seconds integer`.execute(db);
  await sql`COMMENT ON COLUMN directory.organizations.welcome_message IS
    'Shown at the top of the widget before the visitor writes (null: none).'`.execute(db);
  await sql`COMMENT ON COLUMN directory.organizations.business_hours IS
    'Weekly opening intervals in an IANA zone and holidays, {time_zone, weekly: [{day, from, to}], holidays} (null: always open); outside them the widget offers to leave a message.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN directory.organizations.widget_open_delay_seconds IS
    'Seconds after a page loads before the widget opens by itself (null: never by itself).'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.organizations DROP COLUMN welcome_message, DROP COLUMN business_hours, DROP COLUMN widget_open_delay_seconds`.execute(
    db,
  );
  await sql`ALTER TABLE directory.agents DROP COLUMN display_name, DROP COLUMN avatar_url`.execute(db);
}
