import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
// The outbox also carries notification emails about no ticket (the metrics service's daily
// summary, `queue_email`): they have no ticket, no ticket event and no reply address.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE ticketing.outbound_emails
    ALTER COLUMN ticket_id DROP NOT NULL,
    ALTER COLUMN event_id DROP NOT NULL,
    ALTER COLUMN reply_to DROP NOT NULL`.execute(db);
  await sql`COMMENT ON COLUMN ticketing.outbound_emails.ticket_id IS
    'The ticket the mail is about; null for a notification about no ticket (kind daily_summary).'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM ticketing.outbound_emails WHERE ticket_id IS NULL`.execute(db);
  await sql`ALTER TABLE ticketing.outbound_emails
    ALTER COLUMN ticket_id SET NOT NULL,
    ALTER COLUMN event_id SET NOT NULL,
    ALTER COLUMN reply_to SET NOT NULL`.execute(db);
}
