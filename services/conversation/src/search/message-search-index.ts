import type { Kysely, Transaction } from 'kysely';
import {
  allEvents,
  streamCategory,
  streamEntityId,
  type ConversationEvent,
  type SearchLanguage,
} from '@livedesk/contracts';
import {
  applyEvent,
  readAll,
  resetConsumerPositions,
  START,
  type EventStoreTables,
  type RecordedEvent,
} from '@livedesk/event-store';
import { clearMessageSearch, indexMessage, recordRating } from '../read-model/message-search-table.js';

/** The durable consumer (and position owner) of the index, shared by the conversation replicas. */
export const MESSAGE_SEARCH_CONSUMER = 'conversation-message-search';

/** The search language of an organization (SearchLanguages). */
export type LanguageOf = (organizationId: string) => Promise<SearchLanguage>;

/**
 * What one conversation event changes in the archive search's index: a message or internal
 * note becomes a row with its words in the organization's search language, a rating becomes
 * the chat's score. Other events change nothing.
 */
export async function applyToSearchIndex(
  trx: Transaction<EventStoreTables>,
  event: RecordedEvent,
  languageOf: LanguageOf,
): Promise<void> {
  if (streamCategory(event.streamId) !== 'conversation') return;
  if (event.type !== 'MessagePosted' && event.type !== 'InternalNotePosted' && event.type !== 'ConversationRated')
    return;
  const decoded = {
    type: event.type,
    data: allEvents.decode(event.type, event.schemaVersion, event.data),
  } as ConversationEvent;
  const chatId = streamEntityId(event.streamId);
  if (decoded.type === 'ConversationRated') {
    await recordRating(trx, event.organizationId, chatId, decoded.data.score);
    return;
  }
  if (decoded.type !== 'MessagePosted' && decoded.type !== 'InternalNotePosted') return;
  await indexMessage(
    trx,
    {
      eventId: event.eventId,
      organizationId: event.organizationId,
      chatId,
      version: event.streamVersion,
      messageId: decoded.data.message_id,
      author: decoded.data.author,
      internal: decoded.type === 'InternalNotePosted',
      text: decoded.data.text,
      postedAt: event.occurredAt,
    },
    await languageOf(event.organizationId),
  );
}

/**
 * Empties the index and replays every conversation event of the store into it, in commit
 * order, with the current search languages; answers how many events it applied. Live
 * consumption may go on meanwhile: each event is applied once, by whichever comes first (the
 * consumer's positions, applyEvent), and a live event ahead of the replay waits for it.
 * Answers undefined when `stopped` said so before the end (a service shutting down).
 */
export async function rebuildSearchIndex(
  db: Kysely<EventStoreTables>,
  languageOf: LanguageOf,
  stopped: () => boolean = () => false,
): Promise<number | undefined> {
  await db.transaction().execute(async (trx) => {
    await clearMessageSearch(trx);
    await resetConsumerPositions(trx, MESSAGE_SEARCH_CONSUMER);
  });
  let after = START;
  let applied = 0;
  for (;;) {
    if (stopped()) return undefined;
    const read = await readAll(db, { after, limit: 1000 });
    if (read.events.length === 0) {
      if (!read.heldBack) return applied;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    for (const event of read.events) {
      if (streamCategory(event.streamId) !== 'conversation') continue;
      const outcome = await applyEvent(db, MESSAGE_SEARCH_CONSUMER, event, (recorded, trx) =>
        applyToSearchIndex(trx, recorded, languageOf),
      );
      if (outcome === 'applied') applied += 1;
    }
    after = read.checkpoint;
  }
}
