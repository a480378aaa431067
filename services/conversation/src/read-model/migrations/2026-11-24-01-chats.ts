import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS conversation`.execute(db);
  await sql`
    CREATE TABLE conversation.chats (
      chat_id            text PRIMARY KEY,
      organization_id    text NOT NULL,
      customer_id        text NOT NULL,
      group_id           text NOT NULL,
      channel            text NOT NULL,
      status             text NOT NULL,
      assigned_agent_id  text,
      agent_ids          text[] NOT NULL DEFAULT '{}',
      page               jsonb,
      started_at         timestamptz NOT NULL,
      updated_at         timestamptz NOT NULL,
      version            integer NOT NULL
    )`.execute(db);
  await sql`COMMENT ON TABLE conversation.chats IS
    'One row per conversation, written in the transaction that appends its events: the lists of the protocol (list_chats, login).'`.execute(
    db,
  );
  await sql`CREATE INDEX chats_by_customer ON conversation.chats (organization_id, customer_id, started_at DESC, chat_id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX chats_by_status ON conversation.chats (organization_id, status, started_at DESC, chat_id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX chats_by_agent ON conversation.chats (organization_id, assigned_agent_id, started_at DESC, chat_id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX chats_by_participant ON conversation.chats USING gin (agent_ids)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE conversation.chats`.execute(db);
}
