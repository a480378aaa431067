import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
// Chat transcripts by email (transcripts/chat-transcripts.ts) go through the same outbox as the
// tickets' mail; they belong to a chat and its customer, not to a ticket.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE ticketing.outbound_emails
    ALTER COLUMN ticket_id DROP NOT NULL,
    ADD COLUMN conversation_id text,
    ADD COLUMN customer_id text`.execute(db);
  await sql`COMMENT ON COLUMN ticketing.outbound_emails.conversation_id IS
    'The chat of a transcript (kind transcript or transcript_on_close); null for the mail of tickets.'`.execute(db);
  // The limits of request_transcript count a chat's and a customer's recent requests.
  await sql`CREATE INDEX outbound_emails_transcripts_by_chat
    ON ticketing.outbound_emails (conversation_id, created_at) WHERE kind = 'transcript'`.execute(db);
  await sql`CREATE INDEX outbound_emails_transcripts_by_customer
    ON ticketing.outbound_emails (organization_id, customer_id, created_at) WHERE kind = 'transcript'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX ticketing.outbound_emails_transcripts_by_customer`.execute(db);
  await sql`DROP INDEX ticketing.outbound_emails_transcripts_by_chat`.execute(db);
  await sql`DELETE FROM ticketing.outbound_emails WHERE ticket_id IS NULL`.execute(db);
  await sql`ALTER TABLE ticketing.outbound_emails DROP COLUMN customer_id, DROP COLUMN conversation_id, ALTER COLUMN ticket_id SET NOT NULL`.execute(
    db,
  );
}
