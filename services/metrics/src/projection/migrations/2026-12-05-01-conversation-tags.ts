import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.

type Column = [name: string, type: string, comment: string];

/** One row per tag a conversation carries now (TagAdded, TagRemoved of its conversation-<id> stream). */
const columns: Column[] = [
  ['organization_id', 'text NOT NULL', 'Organization the conversation belongs to.'],
  [
    'conversation_id',
    'text NOT NULL',
    'Conversation id (its event stream is conversation-<conversation_id>); joins conversation_cycles, responses, ratings.',
  ],
  [
    'tag',
    'text NOT NULL',
    "A tag the conversation carries now, from the organization's tag list (tag_chat); a tag taken off (untag_chat) has no row.",
  ],
  [
    'tagged_at',
    'timestamptz NOT NULL',
    'When the tag was put on (the last TagAdded of it, if it was taken off and put on again).',
  ],
  ['stream_version', 'integer NOT NULL', 'Version of the TagAdded event this row reflects.'],
];

export async function up(db: Kysely<any>): Promise<void> {
  const body = [...columns.map(([name, type]) => `${name} ${type}`), 'PRIMARY KEY (conversation_id, tag)'].join(
    ',\n  ',
  );
  await sql.raw(`CREATE TABLE metrics.conversation_tags (\n  ${body}\n)`).execute(db);
  await sql
    .raw(
      `COMMENT ON TABLE metrics.conversation_tags IS 'The tags of each conversation (tag_chat), one row per conversation and tag: join conversation_cycles on conversation_id to group any figure by tag.'`,
    )
    .execute(db);
  for (const [name, , comment] of columns) {
    await sql
      .raw(`COMMENT ON COLUMN metrics.conversation_tags.${name} IS '${comment.replaceAll("'", "''")}'`)
      .execute(db);
  }
  await sql`CREATE INDEX conversation_tags_by_tag ON metrics.conversation_tags (organization_id, tag, conversation_id)`.execute(
    db,
  );
  await sql`GRANT SELECT ON metrics.conversation_tags TO livedesk_bi`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE metrics.conversation_tags`.execute(db);
}
