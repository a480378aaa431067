import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
// Acknowledgements of new tickets are counted per address and per organization over the last
// hour before another is queued (email/outbound/acknowledgement-limits.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX outbound_emails_acknowledgements_by_address
    ON ticketing.outbound_emails (lower(to_address), created_at) WHERE kind = 'created'`.execute(db);
  await sql`CREATE INDEX outbound_emails_acknowledgements_by_organization
    ON ticketing.outbound_emails (organization_id, created_at) WHERE kind = 'created'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX ticketing.outbound_emails_acknowledgements_by_organization`.execute(db);
  await sql`DROP INDEX ticketing.outbound_emails_acknowledgements_by_address`.execute(db);
}
