import { z } from 'zod';
import { Author, Id, SafeString, Timestamp } from '../common.js';
import { ChatStatus } from './chat-view.js';

/** The longest search query (characters). */
export const SEARCH_QUERY_MAX_CHARS = 256;
/** Hits of a `search_chats` page when the request names no `limit`, and the most it may name. */
export const SEARCH_PAGE_DEFAULT_HITS = 20;
export const SEARCH_PAGE_MAX_HITS = 50;
/** The most characters of a hit's `excerpt`: a page stays small whatever the messages' length. */
export const SEARCH_EXCERPT_MAX_CHARS = 500;

/**
 * The text search configurations (Postgres `regconfig`) an organization may choose for its
 * archive search: how words are split and reduced to their stem. `simple` only lowercases
 * (right for any language, no stemming, no stop words).
 */
export const SearchLanguage = z.enum([
  'simple',
  'arabic',
  'armenian',
  'basque',
  'catalan',
  'danish',
  'dutch',
  'english',
  'finnish',
  'french',
  'german',
  'greek',
  'hindi',
  'hungarian',
  'indonesian',
  'irish',
  'italian',
  'lithuanian',
  'nepali',
  'norwegian',
  'portuguese',
  'romanian',
  'russian',
  'serbian',
  'spanish',
  'swedish',
  'tamil',
  'turkish',
  'yiddish',
]);
export type SearchLanguage = z.infer<typeof SearchLanguage>;

/**
 * What `search_chats` narrows the hits to. `from` (inclusive) and `to` (exclusive) bound the
 * time a message was posted; the rest are the chat's: an agent who was ever assigned to it, its
 * group now, its status now, its CSAT rating, a tag of it.
 */
export const SearchFilters = z
  .object({
    from: Timestamp.optional().describe('Messages posted at or after this instant.'),
    to: Timestamp.optional().describe('Messages posted before this instant.'),
    agent_id: Id.optional().describe('Chats this agent was ever assigned to.'),
    group_id: Id.optional().describe("Chats in this group (the chat's group now)."),
    tag: SafeString.min(1)
      .max(64)
      .optional()
      .describe('Chats with this tag. Accepted, and ignored until chat tags are stored in the chats list.'),
    status: ChatStatus.optional().describe("The chat's status now."),
    rating: z.number().int().min(1).max(5).optional().describe("The chat's CSAT score (rate_chat)."),
  })
  .strict()
  .refine(
    (filters) =>
      filters.from === undefined || filters.to === undefined || Date.parse(filters.from) < Date.parse(filters.to),
    {
      message: 'filters.from must be before filters.to',
      path: ['to'],
    },
  );
export type SearchFilters = z.infer<typeof SearchFilters>;

/** One message (or internal note) that matched, with what the chat is now. */
export const SearchHit = z.object({
  chat_id: Id,
  event_id: z.uuid(),
  version: z
    .number()
    .int()
    .positive()
    .describe("The message's stream version: get_chat with since_version = version - 1 starts at it."),
  message_id: Id,
  author: Author,
  visibility: z
    .enum(['all', 'agents'])
    .describe('"agents": an internal note (InternalNotePosted), never shown to the customer.'),
  excerpt: SafeString.describe(
    `The part of the text that matched (the whole text when short), at most ${SEARCH_EXCERPT_MAX_CHARS} characters.`,
  ),
  posted_at: Timestamp,
  chat: z.object({
    customer_id: Id,
    group_id: Id,
    status: ChatStatus,
    assigned_agent_id: Id.nullable(),
    started_at: Timestamp,
    rating: z.number().int().min(1).max(5).nullable(),
  }),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchPage = z.object({
  hits: z.array(SearchHit),
  next_cursor: SafeString.nullable().describe('Where the next page starts (null: this was the last).'),
});
export type SearchPage = z.infer<typeof SearchPage>;
