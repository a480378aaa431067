import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE conversation.search_messages (
      event_id         uuid PRIMARY KEY,
      organization_id  text NOT NULL,
      chat_id          text NOT NULL,
      version          integer NOT NULL,
      message_id       text NOT NULL,
      author_kind      text NOT NULL,
      author_id        text,
      internal         boolean NOT NULL,
      text             text NOT NULL,
      language         regconfig NOT NULL,
      words            tsvector NOT NULL,
      posted_at        timestamptz NOT NULL
    )`.execute(db);
  await sql`COMMENT ON TABLE conversation.search_messages IS
    'The archive search (search_chats): one row per message and internal note, written by the message-search projection from the conversation events; rebuilt from them.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN conversation.search_messages.words IS
    'to_tsvector(language, text), language being the organization''s search_language when the message was indexed.'`.execute(
    db,
  );
  await sql`CREATE INDEX search_messages_words ON conversation.search_messages USING gin (words)`.execute(db);
  await sql`CREATE INDEX search_messages_by_time ON conversation.search_messages (organization_id, posted_at DESC, event_id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX search_messages_by_chat ON conversation.search_messages (chat_id)`.execute(db);
  await sql`
    CREATE TABLE conversation.search_ratings (
      chat_id          text PRIMARY KEY,
      organization_id  text NOT NULL,
      score            smallint NOT NULL
    )`.execute(db);
  await sql`COMMENT ON TABLE conversation.search_ratings IS
    'The last CSAT score of each rated chat (the rating filter of search_chats), written by the message-search projection.'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE conversation.search_ratings`.execute(db);
  await sql`DROP TABLE conversation.search_messages`.execute(db);
}
