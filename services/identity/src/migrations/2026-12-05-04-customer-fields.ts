import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.customers ADD COLUMN custom_fields jsonb`.execute(db);
  await sql`COMMENT ON COLUMN directory.customers.custom_fields IS
    'The custom_fields claim of the latest identity the site signed for this customer (plan, account id …), shown to agents; null: none.'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE directory.customers DROP COLUMN custom_fields`.execute(db);
}
