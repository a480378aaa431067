import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import {
  isSupervisor,
  SEARCH_EXCERPT_MAX_CHARS,
  type Actor,
  type Author,
  type ChatStatus,
  type SearchFilters,
  type SearchHit,
  type SearchLanguage,
} from '@livedesk/contracts';
import { decodeCursor, encodeCursor, InvalidCursorError } from '@livedesk/service-kit';

/** `conversation.search_messages` (migrations/2026-12-05-01-message-search.ts). */
export interface SearchMessagesTable {
  event_id: string;
  organization_id: string;
  chat_id: string;
  version: number;
  message_id: string;
  author_kind: string;
  author_id: string | null;
  internal: boolean;
  text: string;
  language: string;
  words: string;
  posted_at: Date;
}

export interface SearchRatingsTable {
  chat_id: string;
  organization_id: string;
  score: number;
}

export interface MessageSearchTables {
  'conversation.search_messages': SearchMessagesTable;
  'conversation.search_ratings': SearchRatingsTable;
}

/** A message or internal note, as the search index keeps it. */
export interface IndexedMessage {
  eventId: string;
  organizationId: string;
  chatId: string;
  version: number;
  messageId: string;
  author: Author;
  internal: boolean;
  text: string;
  postedAt: Date;
}

/**
 * Adds a message to the index, its words split and stemmed by the organization's language. A
 * repeat (the same event id: a replay, a rebuild running beside live consumption) writes nothing.
 */
export async function indexMessage(
  db: QueryExecutorProvider,
  message: IndexedMessage,
  language: SearchLanguage,
): Promise<void> {
  await sql`
    INSERT INTO conversation.search_messages
      (event_id, organization_id, chat_id, version, message_id, author_kind, author_id, internal, text, language, words, posted_at)
    VALUES (${message.eventId}::uuid, ${message.organizationId}, ${message.chatId}, ${message.version}, ${message.messageId},
            ${message.author.kind}, ${message.author.id ?? null}, ${message.internal}, ${message.text},
            ${language}::regconfig, to_tsvector(${language}::regconfig, ${message.text}), ${message.postedAt.toISOString()}::timestamptz)
    ON CONFLICT (event_id) DO NOTHING`.execute(db);
}

/**
 * Adds messages to the index in one statement, each split and stemmed by its language: what
 * `indexMessage` does for one, for a batch of the projection. Repeats write nothing.
 */
export async function indexMessages(
  db: QueryExecutorProvider,
  messages: readonly { message: IndexedMessage; language: SearchLanguage }[],
): Promise<void> {
  if (messages.length === 0) return;
  const column = <T>(of: (entry: { message: IndexedMessage; language: SearchLanguage }) => T) => messages.map(of);
  await sql`
    INSERT INTO conversation.search_messages
      (event_id, organization_id, chat_id, version, message_id, author_kind, author_id, internal, text, language, words, posted_at)
    SELECT m.event_id, m.organization_id, m.chat_id, m.version, m.message_id, m.author_kind, m.author_id, m.internal,
           m.text, m.language::regconfig, to_tsvector(m.language::regconfig, m.text), m.posted_at
      FROM unnest(${column((e) => e.message.eventId)}::uuid[], ${column((e) => e.message.organizationId)}::text[],
                  ${column((e) => e.message.chatId)}::text[], ${column((e) => e.message.version)}::integer[],
                  ${column((e) => e.message.messageId)}::text[], ${column((e) => e.message.author.kind)}::text[],
                  ${column((e) => e.message.author.id ?? null)}::text[], ${column((e) => e.message.internal)}::boolean[],
                  ${column((e) => e.message.text)}::text[], ${column((e) => e.language)}::text[],
                  ${column((e) => e.message.postedAt.toISOString())}::timestamptz[])
        AS m(event_id, organization_id, chat_id, version, message_id, author_kind, author_id, internal, text, language, posted_at)
    ON CONFLICT (event_id) DO NOTHING`.execute(db);
}

/** The chat's CSAT score now (a new rating replaces the last). */
export async function recordRating(
  db: QueryExecutorProvider,
  organizationId: string,
  chatId: string,
  score: number,
): Promise<void> {
  await sql`
    INSERT INTO conversation.search_ratings (chat_id, organization_id, score) VALUES (${chatId}, ${organizationId}, ${score})
    ON CONFLICT (chat_id) DO UPDATE SET score = excluded.score`.execute(db);
}

/**
 * Re-splits the organization's indexed messages in `language` (its search language changed),
 * newest first, in batches along the (organization, time) index; answers how many rows changed.
 * Rows already in the language are left alone, so running it twice (two replicas, or once more
 * for messages indexed while it ran) changes nothing more.
 */
export async function reindexOrganization(
  db: QueryExecutorProvider,
  organizationId: string,
  language: SearchLanguage,
  batch = 2000,
): Promise<number> {
  let changed = 0;
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    const { rows } = await sql<{ posted_at: Date; event_id: string; changed: boolean }>`
      WITH slice AS (
        SELECT event_id, posted_at, language <> ${language}::regconfig AS stale
          FROM conversation.search_messages
         WHERE organization_id = ${organizationId}
           ${after ? sql`AND (posted_at, event_id) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : sql``}
         ORDER BY posted_at DESC, event_id DESC
         LIMIT ${batch}
      ), updated AS (
        UPDATE conversation.search_messages m
           SET language = ${language}::regconfig, words = to_tsvector(${language}::regconfig, m.text)
          FROM slice WHERE m.event_id = slice.event_id AND slice.stale
        RETURNING m.event_id
      )
      SELECT slice.posted_at, slice.event_id, slice.event_id IN (SELECT event_id FROM updated) AS changed
        FROM slice ORDER BY slice.posted_at DESC, slice.event_id DESC`.execute(db);
    changed += rows.filter((row) => row.changed).length;
    const last = rows.at(-1);
    if (!last || rows.length < batch) return changed;
    after = { at: last.posted_at, id: last.event_id };
  }
}

/** Empties the index (a rebuild starts with this). */
export async function clearMessageSearch(db: QueryExecutorProvider): Promise<void> {
  await sql`TRUNCATE conversation.search_messages, conversation.search_ratings`.execute(db);
}

export interface SearchMessagesQuery {
  organizationId: string;
  actor: Actor;
  /** Web-search syntax (`websearch_to_tsquery`): all words, "phrases", `or`, `-word`. */
  text?: string;
  language: SearchLanguage;
  filters?: SearchFilters;
  cursor?: string;
  limit: number;
}

interface HitRow {
  event_id: string;
  chat_id: string;
  version: number;
  message_id: string;
  author_kind: Author['kind'];
  author_id: string | null;
  internal: boolean;
  posted_at: Date;
  excerpt: string;
  customer_id: string;
  group_id: string;
  status: ChatStatus;
  assigned_agent_id: string | null;
  started_at: Date;
  rating: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One page of hits, newest first, by keyset pagination on (posted_at, event_id): a cursor stays
 * valid while new messages arrive. Only the organization's chats the actor may read: all of
 * them for supervisors and services; for other agents what `canRead` (domain/read-rules.ts)
 * lets them read — the chats they were ever assigned to, and the queued ones — which holds every
 * chat their `list_chats` shows. The chat's attributes come from the chats list
 * (`conversation.chats`), so a filter on them sees the chat as it is now.
 */
export async function searchMessages(
  db: QueryExecutorProvider,
  query: SearchMessagesQuery,
): Promise<{ hits: SearchHit[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor);
  // Event ids are UUIDs: anything else in a cursor is not one this service issued.
  if (after && !UUID.test(after.id)) throw new InvalidCursorError();
  const { actor, filters = {} } = query;
  const where: RawBuilder<unknown>[] = [
    sql`m.organization_id = ${query.organizationId}`,
    sql`c.organization_id = ${query.organizationId}`,
  ];
  const tsquery = sql`websearch_to_tsquery(${query.language}::regconfig, ${query.text ?? ''})`;
  if (query.text !== undefined) where.push(sql`m.words @@ ${tsquery}`);
  if (filters.from !== undefined) where.push(sql`m.posted_at >= ${filters.from}::timestamptz`);
  if (filters.to !== undefined) where.push(sql`m.posted_at < ${filters.to}::timestamptz`);
  if (filters.group_id !== undefined) where.push(sql`c.group_id = ${filters.group_id}`);
  if (filters.agent_id !== undefined) where.push(sql`c.agent_ids @> ARRAY[${filters.agent_id}]::text[]`);
  if (filters.status !== undefined) where.push(sql`c.status = ${filters.status}`);
  if (filters.rating !== undefined) where.push(sql`r.score = ${filters.rating}`);
  // filters.tag: the chats list keeps no tags yet (docs/protocol.md, search_chats).
  if (actor.kind === 'agent' && !isSupervisor(actor)) {
    where.push(sql`(c.status = 'queued' OR c.agent_ids @> ARRAY[${actor.id}]::text[])`);
  }
  if (after) where.push(sql`(m.posted_at, m.event_id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  const excerpt =
    query.text === undefined
      ? sql`left(page.text, ${SEARCH_EXCERPT_MAX_CHARS})`
      : sql`left(ts_headline(page.language, page.text, ${tsquery}, 'StartSel="", StopSel="", MinWords=15, MaxWords=40'), ${SEARCH_EXCERPT_MAX_CHARS})`;
  // The excerpt is made for the page's rows only, after the limit.
  const { rows } = await sql<HitRow>`
    SELECT page.event_id, page.chat_id, page.version, page.message_id, page.author_kind, page.author_id, page.internal, page.posted_at,
           ${excerpt} AS excerpt, page.customer_id, page.group_id, page.status, page.assigned_agent_id, page.started_at, page.rating
      FROM (
        SELECT m.event_id, m.chat_id, m.version, m.message_id, m.author_kind, m.author_id, m.internal, m.posted_at, m.text, m.language,
               c.customer_id, c.group_id, c.status, c.assigned_agent_id, c.started_at, r.score AS rating
          FROM conversation.search_messages m
          JOIN conversation.chats c ON c.chat_id = m.chat_id
          LEFT JOIN conversation.search_ratings r ON r.chat_id = m.chat_id
         WHERE ${sql.join(where, sql` AND `)}
         ORDER BY m.posted_at DESC, m.event_id DESC
         LIMIT ${query.limit + 1}
      ) AS page
     ORDER BY page.posted_at DESC, page.event_id DESC`.execute(db);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor(last.posted_at, last.event_id) : null;
  return { hits: page.map(toHit), nextCursor };
}

function toHit(row: HitRow): SearchHit {
  return {
    chat_id: row.chat_id,
    event_id: row.event_id,
    version: row.version,
    message_id: row.message_id,
    author: { kind: row.author_kind, ...(row.author_id === null ? {} : { id: row.author_id }) },
    visibility: row.internal ? 'agents' : 'all',
    excerpt: row.excerpt,
    posted_at: row.posted_at.toISOString(),
    chat: {
      customer_id: row.customer_id,
      group_id: row.group_id,
      status: row.status,
      assigned_agent_id: row.assigned_agent_id,
      started_at: row.started_at.toISOString(),
      rating: row.rating === null ? null : Number(row.rating),
    },
  };
}
