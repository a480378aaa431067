import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE ticketing.attachments
    ADD COLUMN chat_id text,
    ADD COLUMN uploader_kind text,
    ADD COLUMN uploader_id text,
    ADD COLUMN width integer,
    ADD COLUMN height integer`.execute(db);
  await sql`COMMENT ON COLUMN ticketing.attachments.chat_id IS
    'A chat file: the chat it was uploaded into (null: a ticket attachment); a message of that chat may reference it.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN ticketing.attachments.uploader_kind IS
    'customer or agent: who uploaded a chat file (with uploader_id); only they may attach it to a message.'`.execute(
    db,
  );
  await sql`CREATE INDEX attachments_by_chat ON ticketing.attachments (organization_id, chat_id) WHERE chat_id IS NOT NULL`.execute(
    db,
  );
  // The agents' view of a customer lists the tickets they asked.
  await sql`CREATE INDEX tickets_by_requester_customer ON ticketing.tickets (organization_id, requester_customer_id, created_at DESC)`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN ticketing.attachments.width IS 'An image''s width in pixels, read from its bytes (null: not an image).'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX ticketing.tickets_by_requester_customer`.execute(db);
  await sql`DROP INDEX ticketing.attachments_by_chat`.execute(db);
  await sql`ALTER TABLE ticketing.attachments DROP COLUMN chat_id, DROP COLUMN uploader_kind, DROP COLUMN uploader_id, DROP COLUMN width, DROP COLUMN height`.execute(
    db,
  );
}
