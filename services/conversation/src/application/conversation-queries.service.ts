import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  CHAT_PAGE_MAX_BYTES,
  isSupervisor,
  type ConversationQuery,
  type ConversationQueryReply,
} from '@livedesk/contracts';
import { EventStore } from '@livedesk/event-store';
import { DATABASE, EVENT_STORE } from '@livedesk/service-kit';
import { canRead, DomainError, toChatSummary } from '../domain/index.js';
import { listChats, rowToSummary, type ReadModelTables } from '../read-model/chats-table.js';
import { chatEventPage } from './chat-event-page.js';
import { conversationStreamId, foldConversation } from './conversation-stream.js';

/** What clients read: one chat with its events (`get_chat`), and lists of chats. */
@Injectable()
export class ConversationQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<ReadModelTables>,
  ) {}

  /**
   * The chat and one page of its events after `since_version` (`chatEventPage`). The whole stream is folded to decide who
   * may read it, so an agent a chat was transferred to reads the transcript from before the
   * transfer, and another organization's chat id answers `not_found`, never its content.
   */
  async get(query: ConversationQuery<'get'>): Promise<ConversationQueryReply<'get'>> {
    const events = await this.store.readStream(conversationStreamId(query.chat_id));
    const { organizationId, state } = foldConversation(events);
    if (events.length === 0 || organizationId !== query.organization_id) {
      throw new DomainError('not_found', 'chat_not_found', `chat ${query.chat_id} does not exist`);
    }
    if (!canRead(state, query.actor)) {
      throw new DomainError('authorization', 'not_participant', `you are not a participant of chat ${query.chat_id}`);
    }
    const page = chatEventPage(
      events.map((event) => ({ chatId: query.chat_id, version: event.streamVersion, ...event })),
      {
        sinceVersion: query.since_version ?? 0,
        limit: query.limit,
        maxBytes: CHAT_PAGE_MAX_BYTES,
        audience: query.actor.kind === 'customer' ? 'customer' : 'agent',
      },
    );
    return { chat: toChatSummary(state), events: page.events, has_more: page.hasMore, next_since_version: page.nextSinceVersion };
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
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: query.limit,
    });
    return { chats: rows.map(rowToSummary), next_cursor: nextCursor };
  }
}
