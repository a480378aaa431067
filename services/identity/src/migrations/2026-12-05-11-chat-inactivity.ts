import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.organizations
    ADD COLUMN chat_inactivity_seconds integer NOT NULL DEFAULT 600
    CHECK (chat_inactivity_seconds BETWEEN 1 AND 604800)`.execute(db);
  await sql`COMMENT ON COLUMN directory.organizations.chat_inactivity_seconds IS
    'An active live chat with no message from either side this many seconds is closed as inactive (never a messaging chat).'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.organizations DROP COLUMN chat_inactivity_seconds`.execute(db);
}
