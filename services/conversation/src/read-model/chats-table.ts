import { sql, type Kysely } from 'kysely';
import type { Actor, ChatStatus, ChatSummary } from '@livedesk/contracts';
import type { AppendAlso } from '@livedesk/event-store';
import { decodeCursor, encodeCursor } from '@livedesk/service-kit';
import { CONVERSATION_STREAM_PREFIX } from '../application/conversation-stream.js';

export interface ChatsTable {
  chat_id: string;
  organization_id: string;
  customer_id: string;
  group_id: string;
  channel: string;
  status: string;
  assigned_agent_id: string | null;
  agent_ids: string[];
  /** migrations/2026-12-05-01-chat-tags.ts */
  tags: string[];
  page: unknown;
  started_at: Date;
  updated_at: Date;
  version: number;
}

export interface ReadModelTables {
  'conversation.chats': ChatsTable;
}

/** The row's columns with their SQL types, in the order both statements below write them. */
const SUMMARY_COLUMNS = [
  ['chat_id', 'text'],
  ['organization_id', 'text'],
  ['customer_id', 'text'],
  ['group_id', 'text'],
  ['channel', 'text'],
  ['status', 'text'],
  ['assigned_agent_id', 'text'],
  ['agent_ids', 'text[]'],
  ['page', 'jsonb'],
  ['started_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['version', 'integer'],
  ['tags', 'text[]'],
] as const;

const COLUMN_NAMES = SUMMARY_COLUMNS.map(([name]) => name).join(', ');

/** A chat's later changes replace its state; customer, channel, page and start stay as first written. */
const ON_CONFLICT = `ON CONFLICT (chat_id) DO UPDATE SET
  group_id = excluded.group_id, status = excluded.status, assigned_agent_id = excluded.assigned_agent_id,
  agent_ids = excluded.agent_ids, updated_at = excluded.updated_at, version = excluded.version, tags = excluded.tags`;

/** One append's row, its values from $5 on (after the append's own four). */
const UPSERT_ONE_SQL = `INSERT INTO conversation.chats AS c (${COLUMN_NAMES})
  SELECT ${SUMMARY_COLUMNS.map(([, type], i) => `$${i + 5}::${type}`).join(', ')}
    FROM appended WHERE appended.status = 'appended'
  ${ON_CONFLICT}`;

/** The rows of a group commit's appends, each joined to its append by `ord`. */
function upsertManySql(rows: string): string {
  return `INSERT INTO conversation.chats AS c (${COLUMN_NAMES})
  SELECT ${SUMMARY_COLUMNS.map(([name]) => `r.${name}`).join(', ')}
    FROM jsonb_to_recordset(${rows}) AS r(ord bigint, ${SUMMARY_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})
    JOIN appended ON appended.ord = r.ord AND appended.status = 'appended'
  ${ON_CONFLICT}`;
}

/**
 * The chat's row, written by the statement that appends the events behind it (a CTE after the
 * append: see `AppendAlso`), so that a list never shows a chat in a state its stream does not
 * have, in one round trip. Nothing is written when the append was a repeat. In a group commit
 * the rows of every chat in the statement are one `INSERT` (`AppendAlso.many`).
 */
export function chatSummaryUpsert(organizationId: string, chat: ChatSummary): AppendAlso {
  const row: Record<(typeof SUMMARY_COLUMNS)[number][0], unknown> = {
    chat_id: chat.chat_id,
    organization_id: organizationId,
    customer_id: chat.customer_id,
    group_id: chat.group_id,
    channel: chat.channel,
    status: chat.status,
    assigned_agent_id: chat.assigned_agent_id,
    agent_ids: chat.agent_ids,
    page: chat.page ?? null,
    started_at: chat.started_at,
    updated_at: chat.updated_at,
    version: chat.version,
    tags: chat.tags ?? [],
  };
  return {
    sql: UPSERT_ONE_SQL,
    values: SUMMARY_COLUMNS.map(([name]) =>
      name === 'page' && row.page !== null ? JSON.stringify(row.page) : row[name],
    ),
    many: { key: 'conversation.chats', row, sql: upsertManySql },
  };
}

/**
 * A listed chat's version: its stream's, read in the list's statement. The row is written only by
 * events that change what lists show (a message does not), so its own `version` may be behind;
 * the stream's is the version the summary holds at the read — the chat's state did not change
 * after the row's version — and a client holding every event up to it has nothing to catch up
 * (docs/protocol.md, "Reconnecting and catching up").
 */
export function streamVersionOf(table: string) {
  return sql<number>`GREATEST(${sql.ref(`${table}.version`)}, COALESCE((SELECT s.version FROM event_store.streams s
    WHERE s.stream_id = ${CONVERSATION_STREAM_PREFIX} || ${sql.ref(`${table}.chat_id`)}), 0))::integer`;
}

/** A row as the lists read it: with its stream's version (`streamVersionOf`). */
export type ListedChatRow = ChatsTable & { stream_version: number };

export type ChatListFilter = 'mine' | 'queued' | 'active' | 'all';

export interface ListChatsQuery {
  organizationId: string;
  actor: Actor;
  filter: ChatListFilter;
  statuses?: readonly ChatStatus[];
  /** Only chats carrying this tag. */
  tag?: string;
  cursor?: string;
  limit: number;
}

/**
 * Chats newest first, by keyset pagination on (started_at, chat_id): a cursor stays valid
 * while new chats arrive, where an offset would skip or repeat rows.
 */
export async function listChats(
  db: Kysely<ReadModelTables>,
  query: ListChatsQuery,
): Promise<{ rows: ListedChatRow[]; nextCursor: string | null }> {
  let select = db
    .selectFrom('conversation.chats')
    .selectAll()
    .select(streamVersionOf('conversation.chats').as('stream_version'))
    .where('organization_id', '=', query.organizationId);
  const { actor } = query;
  if (actor.kind === 'customer') {
    select = select.where('customer_id', '=', actor.id);
  } else if (query.filter === 'mine') {
    select = select.where('assigned_agent_id', '=', actor.id).where('status', '=', 'active');
  } else if (query.filter === 'queued') {
    select = select.where('status', '=', 'queued');
  } else if (query.filter === 'active') {
    select = select.where('status', 'in', ['queued', 'active']);
  }
  if (query.statuses) select = select.where('status', 'in', [...query.statuses]);
  if (query.tag !== undefined) select = select.where(sql<boolean>`tags @> ARRAY[${query.tag}]::text[]`);
  const after = decodeCursor(query.cursor);
  if (after) {
    select = select.where(sql<boolean>`(started_at, chat_id) < (${after.at}::timestamptz, ${after.id})`);
  }
  const rows = await select
    .orderBy('started_at', 'desc')
    .orderBy('chat_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor(last.started_at, last.chat_id) : null;
  return { rows: page, nextCursor };
}

/** A row as a chat summary; a listed row (`ListedChatRow`) gives its stream's version. */
export function rowToSummary(row: ChatsTable | ListedChatRow): ChatSummary {
  return {
    chat_id: row.chat_id,
    customer_id: row.customer_id,
    group_id: row.group_id,
    channel: row.channel as ChatSummary['channel'],
    status: row.status as ChatStatus,
    assigned_agent_id: row.assigned_agent_id,
    agent_ids: row.agent_ids,
    ...(row.page ? { page: row.page as ChatSummary['page'] } : {}),
    tags: row.tags,
    started_at: row.started_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    version: 'stream_version' in row ? row.stream_version : row.version,
  };
}

/** One customer's first page of their own chats, as a login lists it. */
export interface CustomerChatsWanted {
  organizationId: string;
  customerId: string;
  /** Only chats in these statuses; null for all. */
  statuses: readonly ChatStatus[] | null;
  limit: number;
}

/**
 * The first page of many customers' own chats (what `listChats` answers a customer without a
 * cursor: `limit + 1` rows, newest first), in one statement per shape of question (statuses,
 * limit), so that the logins of a reconnect storm cost a few queries, not one each. Each
 * customer is matched on the organization and the customer id together: a customer never
 * receives another customer's chat, nor a chat of another organization.
 */
export async function customersActiveChats(
  db: Kysely<ReadModelTables>,
  wanted: readonly CustomerChatsWanted[],
): Promise<ListedChatRow[][]> {
  const key = (w: Pick<CustomerChatsWanted, 'organizationId' | 'customerId'>) =>
    JSON.stringify([w.organizationId, w.customerId]);
  const shapeOf = (w: CustomerChatsWanted) =>
    JSON.stringify([w.statuses === null ? null : [...w.statuses].sort(), w.limit]);
  const shapes = new Map<string, CustomerChatsWanted[]>();
  for (const w of wanted) {
    const shape = shapeOf(w);
    shapes.set(shape, [...(shapes.get(shape) ?? []), w]);
  }
  const answers = new Map<string, Map<string, ListedChatRow[]>>();
  await Promise.all(
    [...shapes].map(async ([shape, group]) => {
      const customers = new Map(group.map((w) => [key(w), w]));
      const first = group[0]!;
      const { rows } = await sql<ListedChatRow>`
        SELECT c.*, ${streamVersionOf('c')} AS stream_version
          FROM unnest(${[...customers.values()].map((w) => w.organizationId)}::text[],
                      ${[...customers.values()].map((w) => w.customerId)}::text[]) AS wanted(organization_id, customer_id)
          CROSS JOIN LATERAL (
            SELECT * FROM conversation.chats c
             WHERE c.organization_id = wanted.organization_id AND c.customer_id = wanted.customer_id
               AND (${first.statuses === null}::boolean OR c.status = ANY(${first.statuses ?? []}::text[]))
             ORDER BY c.started_at DESC, c.chat_id DESC
             LIMIT ${first.limit + 1}) c
         ORDER BY c.organization_id, c.customer_id, c.started_at DESC, c.chat_id DESC`.execute(db);
      const byCustomer = new Map<string, ListedChatRow[]>([...customers.keys()].map((k) => [k, []]));
      for (const row of rows)
        byCustomer.get(key({ organizationId: row.organization_id, customerId: row.customer_id }))!.push(row);
      answers.set(shape, byCustomer);
    }),
  );
  return wanted.map((w) => answers.get(shapeOf(w))!.get(key(w))!);
}
