import type { Kysely, Transaction } from 'kysely';
import {
  allEvents,
  streamCategory,
  streamEntityId,
  type ConversationEvent,
  type SearchLanguage,
} from '@livedesk/contracts';
import {
  applyEventBatch,
  readAll,
  resetConsumerPositions,
  START,
  type EventStoreTables,
  type RecordedEvent,
} from '@livedesk/event-store';
import {
  clearMessageSearch,
  indexMessages,
  recordRating,
  type IndexedMessage,
} from '../read-model/message-search-table.js';

/** The durable consumer (and position owner) of the index, shared by the conversation replicas. */
export const MESSAGE_SEARCH_CONSUMER = 'conversation-message-search';

/** The search language of an organization (SearchLanguages). */
export type LanguageOf = (organizationId: string) => Promise<SearchLanguage>;

/**
 * What conversation events change in the archive search's index: a message or internal note
 * becomes a row with its words in the organization's search language, a rating becomes the
 * chat's score (the last of the batch for a chat rated twice in it). Other events change
 * nothing. The messages go in one statement and the ratings in another, in the transaction of
 * the consumer's positions (`applyEventBatch`): a batch of the live subscription costs one
 * transaction, not one per message.
 */
export async function applyBatchToSearchIndex(
  trx: Transaction<EventStoreTables>,
  events: readonly RecordedEvent[],
  languageOf: LanguageOf,
): Promise<void> {
  const messages: { message: IndexedMessage; language: SearchLanguage }[] = [];
  const ratings = new Map<string, { organizationId: string; score: number }>();
  for (const event of events) {
    if (streamCategory(event.streamId) !== 'conversation') continue;
    if (event.type !== 'MessagePosted' && event.type !== 'InternalNotePosted' && event.type !== 'ConversationRated')
      continue;
    const decoded = {
      type: event.type,
      data: allEvents.decode(event.type, event.schemaVersion, event.data),
    } as ConversationEvent;
    const chatId = streamEntityId(event.streamId);
    if (decoded.type === 'ConversationRated') {
      ratings.set(chatId, { organizationId: event.organizationId, score: decoded.data.score });
      continue;
    }
    if (decoded.type !== 'MessagePosted' && decoded.type !== 'InternalNotePosted') continue;
    messages.push({
      message: {
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
      language: await languageOf(event.organizationId),
    });
  }
  await indexMessages(trx, messages);
  for (const [chatId, rating] of ratings) await recordRating(trx, rating.organizationId, chatId, rating.score);
}

/** applyBatchToSearchIndex for one event. */
export function applyToSearchIndex(
  trx: Transaction<EventStoreTables>,
  event: RecordedEvent,
  languageOf: LanguageOf,
): Promise<void> {
  return applyBatchToSearchIndex(trx, [event], languageOf);
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
    const conversations = read.events.filter((event) => streamCategory(event.streamId) === 'conversation');
    // The page in one transaction with the positions, as the live subscription applies its batches.
    const outcomes = await applyEventBatch(db, MESSAGE_SEARCH_CONSUMER, conversations, (events, trx) =>
      applyBatchToSearchIndex(trx, events, languageOf),
    );
    applied += outcomes.filter((outcome) => outcome === 'applied').length;
    after = read.checkpoint;
  }
}
