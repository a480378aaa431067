import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
// Both tables are read models of events, written in the transaction that appends them: the
// tag list of the `organization-<id>` stream, the bans of the `customer-<id>` streams.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE directory.tags (
      organization_id  text NOT NULL REFERENCES directory.organizations (id),
      name             text NOT NULL,
      created_at       timestamptz NOT NULL,
      PRIMARY KEY (organization_id, name)
    )`.execute(db);
  await sql`COMMENT ON TABLE directory.tags IS
    'The organization''s tag list (OrganizationTagAdded, OrganizationTagRemoved): the only tags tag_chat accepts.'`.execute(
    db,
  );

  await sql`
    CREATE TABLE directory.customer_bans (
      organization_id  text NOT NULL REFERENCES directory.organizations (id),
      customer_id      text NOT NULL REFERENCES directory.customers (id),
      banned_until     timestamptz,
      reason           text,
      banned_by        text NOT NULL,
      banned_at        timestamptz NOT NULL,
      PRIMARY KEY (organization_id, customer_id)
    )`.execute(db);
  await sql`COMMENT ON TABLE directory.customer_bans IS
    'The last ban of a customer not lifted since (CustomerBanned, CustomerUnbanned); it is in force while banned_until is null or later than now.'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE directory.customer_bans`.execute(db);
  await sql`DROP TABLE directory.tags`.execute(db);
}
