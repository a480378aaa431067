import { sql, type Kysely } from 'kysely';
import type { Actor, ChatStatus, ChatSummary } from '@livedesk/contracts';
import type { AppendAlso } from '@livedesk/event-store';
import { decodeCursor, encodeCursor } from '@livedesk/service-kit';

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

/**
 * The chat's row, written by the statement that appends the events behind it (a CTE after the
 * append: see `AppendAlso`), so that a list never shows a chat in a state its stream does not
 * have, in one round trip. Nothing is written when the append was a repeat.
 */
export function chatSummaryUpsert(organizationId: string, chat: ChatSummary): AppendAlso {
  return {
    sql: `INSERT INTO conversation.chats AS c
            (chat_id, organization_id, customer_id, group_id, channel, status, assigned_agent_id, agent_ids, page, started_at, updated_at, version, tags)
          SELECT $5, $6, $7, $8, $9, $10, $11, $12::text[], $13::jsonb, $14::timestamptz, $15::timestamptz, $16::integer, $17::text[]
            FROM appended WHERE appended.status = 'appended'
          ON CONFLICT (chat_id) DO UPDATE SET
            group_id = excluded.group_id, status = excluded.status, assigned_agent_id = excluded.assigned_agent_id,
            agent_ids = excluded.agent_ids, updated_at = excluded.updated_at, version = excluded.version, tags = excluded.tags`,
    values: [
      chat.chat_id,
      organizationId,
      chat.customer_id,
      chat.group_id,
      chat.channel,
      chat.status,
      chat.assigned_agent_id,
      chat.agent_ids,
      chat.page === undefined ? null : JSON.stringify(chat.page),
      chat.started_at,
      chat.updated_at,
      chat.version,
      chat.tags ?? [],
    ],
  };
}

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
): Promise<{ rows: ChatsTable[]; nextCursor: string | null }> {
  let select = db.selectFrom('conversation.chats').selectAll().where('organization_id', '=', query.organizationId);
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

export function rowToSummary(row: ChatsTable): ChatSummary {
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
    version: row.version,
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
): Promise<ChatsTable[][]> {
  const key = (w: Pick<CustomerChatsWanted, 'organizationId' | 'customerId'>) =>
    JSON.stringify([w.organizationId, w.customerId]);
  const shapeOf = (w: CustomerChatsWanted) =>
    JSON.stringify([w.statuses === null ? null : [...w.statuses].sort(), w.limit]);
  const shapes = new Map<string, CustomerChatsWanted[]>();
  for (const w of wanted) {
    const shape = shapeOf(w);
    shapes.set(shape, [...(shapes.get(shape) ?? []), w]);
  }
  const answers = new Map<string, Map<string, ChatsTable[]>>();
  await Promise.all(
    [...shapes].map(async ([shape, group]) => {
      const customers = new Map(group.map((w) => [key(w), w]));
      const first = group[0]!;
      const { rows } = await sql<ChatsTable>`
        SELECT c.*
          FROM unnest(${[...customers.values()].map((w) => w.organizationId)}::text[],
                      ${[...customers.values()].map((w) => w.customerId)}::text[]) AS wanted(organization_id, customer_id)
          CROSS JOIN LATERAL (
            SELECT * FROM conversation.chats c
             WHERE c.organization_id = wanted.organization_id AND c.customer_id = wanted.customer_id
               AND (${first.statuses === null}::boolean OR c.status = ANY(${first.statuses ?? []}::text[]))
             ORDER BY c.started_at DESC, c.chat_id DESC
             LIMIT ${first.limit + 1}) c
         ORDER BY c.organization_id, c.customer_id, c.started_at DESC, c.chat_id DESC`.execute(db);
      const byCustomer = new Map<string, ChatsTable[]>([...customers.keys()].map((k) => [k, []]));
      for (const row of rows)
        byCustomer.get(key({ organizationId: row.organization_id, customerId: row.customer_id }))!.push(row);
      answers.set(shape, byCustomer);
    }),
  );
  return wanted.map((w) => answers.get(shapeOf(w))!.get(key(w))!);
}
