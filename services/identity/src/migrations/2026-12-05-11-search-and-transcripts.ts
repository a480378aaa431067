import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.organizations
    ADD COLUMN search_language text NOT NULL DEFAULT 'simple',
    ADD COLUMN transcript_on_close boolean NOT NULL DEFAULT false`.execute(db);
  await sql`COMMENT ON COLUMN directory.organizations.search_language IS
    'The Postgres text search configuration (regconfig) of the archive search (search_chats): how message texts are split into words and stemmed.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN directory.organizations.transcript_on_close IS
    'Whether the customer gets the chat''s transcript by email when a chat ends (resolved or closed).'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.organizations DROP COLUMN search_language, DROP COLUMN transcript_on_close`.execute(
    db,
  );
}
