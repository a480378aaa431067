import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
//
// The daily summary by email (daily-mail/daily-summary-mailer.ts): one row per organization,
// agent and local date, claimed by one replica for a while and marked sent once the ticketing
// outbox has the mail; and one row per organization and date once every opted-in agent has it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE metrics.daily_summary_mails (
      organization_id  text NOT NULL,
      agent_id         text NOT NULL,
      date             date NOT NULL,
      claimed_until    timestamptz,
      queued_at        timestamptz,
      PRIMARY KEY (organization_id, agent_id, date)
    )`.execute(db);
  await sql`COMMENT ON TABLE metrics.daily_summary_mails IS
    'The daily summary emails of each agent who opted in: one per organization, agent and local day (the day the mail is sent on; it summarizes the day before).'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.daily_summary_mails.organization_id IS 'The organization.'`.execute(db);
  await sql`COMMENT ON COLUMN metrics.daily_summary_mails.agent_id IS 'The agent the mail is for.'`.execute(db);
  await sql`COMMENT ON COLUMN metrics.daily_summary_mails.date IS 'The local date (organization time zone) the mail is sent on.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.daily_summary_mails.claimed_until IS 'A replica is writing the mail until then; after it (a crash) another may.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.daily_summary_mails.queued_at IS 'When the ticketing outbox took the mail; null while not yet.'`.execute(
    db,
  );

  await sql`
    CREATE TABLE metrics.daily_summary_days (
      organization_id  text NOT NULL,
      date             date NOT NULL,
      done_at          timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (organization_id, date)
    )`.execute(db);
  await sql`COMMENT ON TABLE metrics.daily_summary_days IS
    'The organizations and local days whose daily summary emails have all been queued: nothing left to look at that day.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.daily_summary_days.organization_id IS 'The organization.'`.execute(db);
  await sql`COMMENT ON COLUMN metrics.daily_summary_days.date IS 'The local date the mails were sent on.'`.execute(db);
  await sql`COMMENT ON COLUMN metrics.daily_summary_days.done_at IS 'When the last of them was queued.'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE metrics.daily_summary_days`.execute(db);
  await sql`DROP TABLE metrics.daily_summary_mails`.execute(db);
}
