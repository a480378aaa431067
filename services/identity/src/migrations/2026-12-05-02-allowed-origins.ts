import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.organizations ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}'`.execute(db);
  await sql`COMMENT ON COLUMN directory.organizations.allowed_origins IS
    'Origins (scheme://host[:port], lowercase) whose pages may fetch customer tokens and open customer sockets.'`.execute(
    db,
  );
  // The CORS preflight of the customer token endpoint asks whether any organization lists an origin.
  await sql`CREATE INDEX organizations_allowed_origins ON directory.organizations USING gin (allowed_origins)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX directory.organizations_allowed_origins`.execute(db);
  await sql`ALTER TABLE directory.organizations DROP COLUMN allowed_origins`.execute(db);
}
