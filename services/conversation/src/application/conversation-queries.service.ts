import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  CHAT_PAGE_MAX_BYTES,
  isSupervisor,
  type ConversationQuery,
  type ConversationQueryReply,
  type StoredChatEvent,
} from '@livedesk/contracts';
import { EventStore } from '@livedesk/event-store';
import { DATABASE, EVENT_STORE } from '@livedesk/service-kit';
import { canRead, DomainError, forAudience, toChatSummary } from '../domain/index.js';
import { listChats, rowToSummary, type ReadModelTables } from '../read-model/chats-table.js';
import { chatEventPage, type ChatEventPage } from './chat-event-page.js';
import { ConversationCache } from './conversation-cache.js';
import { conversationStreamId, emptyConversation, foldConversation, type LoadedConversation } from './conversation-stream.js';

/** What clients read: one chat with its events (`get_chat`), and lists of chats. */
@Injectable()
export class ConversationQueries {
  /** The last folded state of recently read chats (a guess: newer events are read on each query). */
  private readonly states = new ConversationCache(1_000);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<ReadModelTables>,
  ) {}

  /**
   * The chat and one page of its events after `since_version` (`chatEventPage`). The whole
   * stream is folded to decide who may read it, so an agent a chat was transferred to reads
   * the transcript from before the transfer, and another organization's chat id answers
   * `not_found`, never its content. The folded state is kept (`ConversationCache`) and only
   * newer events are read, so paging through a long chat reads each event about once.
   */
  async get(query: ConversationQuery<'get'>): Promise<ConversationQueryReply<'get'>> {
    const { organizationId, state } = await this.current(query.chat_id);
    if (state.version === 0 || organizationId !== query.organization_id) {
      throw new DomainError('not_found', 'chat_not_found', `chat ${query.chat_id} does not exist`);
    }
    if (!canRead(state, query.actor)) {
      throw new DomainError('authorization', 'not_participant', `you are not a participant of chat ${query.chat_id}`);
    }
    const page = await this.page(query, state.version);
    return { chat: forAudience(toChatSummary(state), query.actor), events: page.events, has_more: page.hasMore, next_since_version: page.nextSinceVersion };
  }

  private async current(chatId: string): Promise<LoadedConversation> {
    const cached = this.states.get(chatId) ?? emptyConversation();
    const newer = await this.store.readStream(conversationStreamId(chatId), { afterVersion: cached.state.version });
    const loaded = newer.length === 0 ? cached : foldConversation(newer, cached);
    if (loaded.state.version > 0) this.states.set(chatId, loaded);
    return loaded;
  }

  /**
   * Reads the page in chunks of `limit + 1` events, up to the version the summary was folded
   * at, until it is cut by count or bytes or the stream ends: events hidden from the reader
   * (a customer never sees tags, priorities or goals) can leave a chunk short of a page.
   */
  private async page(query: ConversationQuery<'get'>, upToVersion: number): Promise<ChatEventPage> {
    const bounds = {
      sinceVersion: query.since_version ?? 0,
      limit: query.limit,
      maxBytes: CHAT_PAGE_MAX_BYTES,
      audience: query.actor.kind === 'customer' ? ('customer' as const) : ('agent' as const),
    };
    const read: StoredChatEvent[] = [];
    let cursor = bounds.sinceVersion;
    for (;;) {
      const chunkSize = Math.min(query.limit + 1, upToVersion - cursor);
      if (chunkSize <= 0) return chatEventPage(read, bounds);
      const chunk = await this.store.readStream(conversationStreamId(query.chat_id), { afterVersion: cursor, limit: chunkSize });
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
}
