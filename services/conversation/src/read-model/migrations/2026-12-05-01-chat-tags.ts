import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
// A chat's tags (`tag_chat`) on its row, so that lists filter by tag. Rows of chats tagged
// before this migration start empty; the chat's stream has the tags, and its next change of
// state rewrites the row.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE conversation.chats ADD COLUMN tags text[] NOT NULL DEFAULT '{}'`.execute(db);
  await sql`COMMENT ON COLUMN conversation.chats.tags IS
    'The chat''s tags (TagAdded, TagRemoved) in the order they were added: list_chats'' tag filter; agents only.'`.execute(
    db,
  );
  await sql`CREATE INDEX chats_by_tag ON conversation.chats USING gin (tags)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX conversation.chats_by_tag`.execute(db);
  await sql`ALTER TABLE conversation.chats DROP COLUMN tags`.execute(db);
}
