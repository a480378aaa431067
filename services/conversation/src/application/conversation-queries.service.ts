import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  CHAT_PAGE_MAX_BYTES,
  isSupervisor,
  type ConversationQuery,
  type ConversationQueryReply,
  type StoredChatEvent,
} from '@livedesk/contracts';
import { EventStore, type RecordedEvent } from '@livedesk/event-store';
import { DATABASE, EVENT_STORE, encodeCursor, MicroBatcher } from '@livedesk/service-kit';
import { canRead, DomainError, forAudience, toChatSummary } from '../domain/index.js';
import {
  customersActiveChats,
  listChats,
  rowToSummary,
  streamVersionOf,
  type CustomerChatsWanted,
  type ReadModelTables,
} from '../read-model/chats-table.js';
import { searchMessages } from '../read-model/message-search-table.js';
import { SearchLanguages } from '../search/search-languages.js';
import { batchedStreamReads } from './batched-stream-reads.js';
import { chatEventPage, type ChatEventPage } from './chat-event-page.js';
import { ConversationCache } from './conversation-cache.js';
import {
  conversationStreamId,
  emptyConversation,
  foldConversation,
  type LoadedConversation,
} from './conversation-stream.js';

/** What clients read: one chat with its events (`get_chat`), and lists of chats. */
@Injectable()
export class ConversationQueries {
  /** The last folded state of recently read chats (a guess: newer events are read on each query). */
  private readonly states = new ConversationCache(1_000);
  /** The newer events of the chats many `get` queries read at once, in one statement (a reconnect storm's catch-ups). */
  private readonly newerEvents: ReturnType<typeof batchedStreamReads>;
  /** Customers' own chats as many logins list them at once, in one statement (`customersActiveChats`). */
  private readonly customersChats = new MicroBatcher((wanted: readonly CustomerChatsWanted[]) =>
    customersActiveChats(this.db, wanted),
  );

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<ReadModelTables>,
    /** The organizations' search languages (a `SearchLanguages`). */
    @Inject(SearchLanguages) private readonly languages: Pick<SearchLanguages, 'of'>,
  ) {
    this.newerEvents = batchedStreamReads(store);
  }

  /**
   * The chat and one page of its events after `since_version` (`chatEventPage`). The whole
   * stream is folded to decide who may read it, so an agent a chat was transferred to reads
   * the transcript from before the transfer, and another organization's chat id answers
   * `not_found`, never its content. The folded state is kept (`ConversationCache`) and only
   * newer events are read, so paging through a long chat reads each event about once.
   */
  async get(query: ConversationQuery<'get'>): Promise<ConversationQueryReply<'get'>> {
    const sinceVersion = query.since_version ?? 0;
    const { loaded, newer } = await this.current(query.chat_id);
    const { organizationId, state } = loaded;
    if (state.version === 0 || organizationId !== query.organization_id) {
      throw new DomainError('not_found', 'chat_not_found', `chat ${query.chat_id} does not exist`);
    }
    if (!canRead(state, query.actor)) {
      throw new DomainError('authorization', 'not_participant', `you are not a participant of chat ${query.chat_id}`);
    }
    // The events read to bring the state up to date hold every event of the page when they
    // start at or below since_version (a catch-up): the page needs no second read.
    const page =
      newer.from <= sinceVersion
        ? chatEventPage(
            newer.events.map((event) => ({ chatId: query.chat_id, version: event.streamVersion, ...event })),
            this.bounds(query),
          )
        : await this.page(query, state.version);
    return {
      chat: forAudience(toChatSummary(state), query.actor),
      events: page.events,
      has_more: page.hasMore,
      next_since_version: page.nextSinceVersion,
    };
  }

  /** The chat's state, and the events read to bring it up to date: those after version `from`. */
  private async current(
    chatId: string,
  ): Promise<{ loaded: LoadedConversation; newer: { from: number; events: readonly RecordedEvent[] } }> {
    const cached = this.states.get(chatId) ?? emptyConversation();
    const from = cached.state.version;
    const newer = await this.newerEvents.load({ streamId: conversationStreamId(chatId), afterVersion: from });
    const loaded = newer.length === 0 ? cached : foldConversation(newer, cached);
    if (loaded.state.version > 0) this.states.set(chatId, loaded);
    return { loaded, newer: { from, events: newer } };
  }

  private bounds(query: ConversationQuery<'get'>) {
    return {
      sinceVersion: query.since_version ?? 0,
      limit: query.limit,
      maxBytes: CHAT_PAGE_MAX_BYTES,
      audience: query.actor.kind === 'customer' ? ('customer' as const) : ('agent' as const),
    };
  }

  /**
   * Reads the page in chunks of `limit + 1` events, up to the version the summary was folded
   * at, until it is cut by count or bytes or the stream ends: events hidden from the reader
   * (a customer never sees tags, priorities or goals) can leave a chunk short of a page.
   */
  private async page(query: ConversationQuery<'get'>, upToVersion: number): Promise<ChatEventPage> {
    const bounds = this.bounds(query);
    const read: StoredChatEvent[] = [];
    let cursor = bounds.sinceVersion;
    for (;;) {
      const chunkSize = Math.min(query.limit + 1, upToVersion - cursor);
      if (chunkSize <= 0) return chatEventPage(read, bounds);
      const chunk = await this.store.readStream(conversationStreamId(query.chat_id), {
        afterVersion: cursor,
        limit: chunkSize,
      });
      read.push(...chunk.map((event) => ({ chatId: query.chat_id, version: event.streamVersion, ...event })));
      const page = chatEventPage(read, bounds);
      if (page.hasMore || chunk.length < chunkSize) return page;
      cursor = chunk.at(-1)!.streamVersion;
    }
  }

  async list(query: ConversationQuery<'list'>): Promise<ConversationQueryReply<'list'>> {
    const { actor } = query;
    if ((query.filter === 'all' || query.filter === 'active') && actor.kind === 'agent' && !isSupervisor(actor)) {
      throw new DomainError('authorization', 'supervisors_only', `the ${query.filter} filter is for supervisors`);
    }
    // A customer's first page of their own chats (what every login asks): many answered in one statement.
    if (actor.kind === 'customer' && query.cursor === undefined) {
      const rows = await this.customersChats.load({
        organizationId: query.organization_id,
        customerId: actor.id,
        statuses: query.statuses ?? null,
        limit: query.limit,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        chats: page.map((row) => forAudience(rowToSummary(row), actor)),
        next_cursor: rows.length > query.limit && last ? encodeCursor(last.started_at, last.chat_id) : null,
      };
    }
    const { rows, nextCursor } = await listChats(this.db, {
      organizationId: query.organization_id,
      actor,
      filter: query.filter,
      ...(query.statuses ? { statuses: query.statuses } : {}),
      // Customers never see tags, so they cannot filter by them either.
      ...(query.tag !== undefined && actor.kind !== 'customer' ? { tag: query.tag } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: query.limit,
    });
    return { chats: rows.map((row) => forAudience(rowToSummary(row), actor)), next_cursor: nextCursor };
  }

  /**
   * A customer's chats that this agent may read (`canRead` on the list's rows: supervisors all
   * of them, an agent the queued ones and the ones they were assigned), newest first, each with
   * the start of its first message as a preview (read from the head of its stream).
   */
  async customerChats(query: ConversationQuery<'customer_chats'>): Promise<ConversationQueryReply<'customer_chats'>> {
    const { actor } = query;
    if (actor.kind === 'customer')
      throw new DomainError('authorization', 'not_allowed', "a customer's history is for agents");
    let select = this.db
      .selectFrom('conversation.chats')
      .selectAll()
      .select(streamVersionOf('conversation.chats').as('stream_version'))
      .where('organization_id', '=', query.organization_id)
      .where('customer_id', '=', query.customer_id);
    if (actor.kind === 'agent' && !isSupervisor(actor)) {
      select = select.where((eb) =>
        eb.or([eb('status', '=', 'queued'), eb(eb.val(actor.id), '=', eb.fn.any('agent_ids'))]),
      );
    }
    const rows = await select.orderBy('started_at', 'desc').orderBy('chat_id', 'desc').limit(query.limit).execute();
    return {
      chats: await Promise.all(
        rows.map(async (row) => ({ ...rowToSummary(row), preview: await this.previewOf(row.chat_id) })),
      ),
    };
  }

  /** The start of a chat's first message, from the first events of its stream (the message opens it, or follows soon). */
  private async previewOf(chatId: string): Promise<string | null> {
    const head = await this.store.readStream(conversationStreamId(chatId), { limit: 20 });
    const message = head.find((event) => event.type === 'MessagePosted');
    const text = (message?.data as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string') return null;
    return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}\u2026` : text;
  }

  /**
   * `search_chats`: agents only (a customer never searches, so internal notes never reach
   * one); the words are parsed in the organization's search language, the language the
   * messages were indexed with (docs/protocol.md, search_chats).
   */
  async search(query: ConversationQuery<'search'>): Promise<ConversationQueryReply<'search'>> {
    if (query.actor.kind === 'customer') {
      throw new DomainError('authorization', 'agents_only', 'searching chats is for agents');
    }
    const language = query.query === undefined ? 'simple' : await this.languages.of(query.organization_id);
    const { hits, nextCursor } = await searchMessages(this.db, {
      organizationId: query.organization_id,
      actor: query.actor,
      ...(query.query === undefined ? {} : { text: query.query }),
      language,
      ...(query.filters ? { filters: query.filters } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: query.limit,
    });
    return { hits, next_cursor: nextCursor };
  }
}

/** The length of a chat's preview in `get_customer`. */
const PREVIEW_CHARS = 140;
