import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
//
// CES, the post-chat survey's "how easy was it to get your issue handled?" (1-7, SurveyAnswered):
// a third kind of rating, a column of the cycles, and its count, sum and distribution in the
// derived tables (the columns are added last: the derived rows are written in column order).

const distribution = 'Answers of 1, 2, … 7, in that order (7 counts).';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE metrics.ratings DROP CONSTRAINT ratings_kind_check`.execute(db);
  await sql`ALTER TABLE metrics.ratings ADD CONSTRAINT ratings_kind_check CHECK (kind IN ('csat', 'nps', 'ces'))`.execute(
    db,
  );
  await sql`COMMENT ON TABLE metrics.ratings IS
    'One row per conversation cycle and kind of feedback: the CSAT rating (1-5), the NPS answer (0-10) and the CES answer (1-7), the last one given in the cycle.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.ratings.kind IS
    'csat (ConversationRated, 1-5), nps (NpsAnswered, 0-10) or ces (SurveyAnswered, 1-7).'`.execute(db);

  await sql`ALTER TABLE metrics.conversation_cycles ADD COLUMN ces_score smallint`.execute(db);
  await sql`COMMENT ON COLUMN metrics.conversation_cycles.ces_score IS
    'Answer 1-7 to "how easy was it to get your issue handled?" (post-chat survey) in the cycle, the last one given; null if not answered.'`.execute(
    db,
  );

  await sql`ALTER TABLE metrics.agent_daily
    ADD COLUMN ces_answers integer NOT NULL DEFAULT 0,
    ADD COLUMN ces_sum integer NOT NULL DEFAULT 0,
    ADD COLUMN ces_distribution integer[] NOT NULL DEFAULT '{0,0,0,0,0,0,0}'`.execute(db);
  await sql`COMMENT ON COLUMN metrics.agent_daily.ces_answers IS 'CES answers about the agent (the last human agent of the cycle) given that day.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.agent_daily.ces_sum IS 'Sum of those answers (divide by ces_answers for CES).'`.execute(
    db,
  );
  await sql.raw(`COMMENT ON COLUMN metrics.agent_daily.ces_distribution IS '${distribution}'`).execute(db);

  await sql`ALTER TABLE metrics.group_hourly
    ADD COLUMN ces_answers integer NOT NULL DEFAULT 0,
    ADD COLUMN ces_sum integer NOT NULL DEFAULT 0,
    ADD COLUMN ces_distribution integer[] NOT NULL DEFAULT '{0,0,0,0,0,0,0}'`.execute(db);
  await sql`COMMENT ON COLUMN metrics.group_hourly.ces_answers IS 'Cycles with a CES answer.'`.execute(db);
  await sql`COMMENT ON COLUMN metrics.group_hourly.ces_sum IS 'Sum of those answers (divide by ces_answers for CES).'`.execute(
    db,
  );
  await sql.raw(`COMMENT ON COLUMN metrics.group_hourly.ces_distribution IS '${distribution}'`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE metrics.group_hourly DROP COLUMN ces_answers, DROP COLUMN ces_sum, DROP COLUMN ces_distribution`.execute(
    db,
  );
  await sql`ALTER TABLE metrics.agent_daily DROP COLUMN ces_answers, DROP COLUMN ces_sum, DROP COLUMN ces_distribution`.execute(
    db,
  );
  await sql`ALTER TABLE metrics.conversation_cycles DROP COLUMN ces_score`.execute(db);
  await sql`DELETE FROM metrics.ratings WHERE kind = 'ces'`.execute(db);
  await sql`ALTER TABLE metrics.ratings DROP CONSTRAINT ratings_kind_check`.execute(db);
  await sql`ALTER TABLE metrics.ratings ADD CONSTRAINT ratings_kind_check CHECK (kind IN ('csat', 'nps'))`.execute(db);
}
