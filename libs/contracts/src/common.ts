import { z } from 'zod';

/**
 * Characters Postgres cannot store: U+0000 (refused in `text` and in `jsonb`) and UTF-16
 * surrogates that are not part of a pair (`jsonb` refuses the `\ud800` escape JSON.stringify
 * writes for them). With the `u` flag a well-formed pair is one code point, so only lone
 * surrogates match the range.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what Postgres cannot store, so it is what this finds.
const UNSTORABLE_CHARACTER = /[\u0000\uD800-\uDFFF]/u;

/** Whether Postgres can store the string as text and inside jsonb. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE_CHARACTER.test(value);
}

/**
 * Text from a source that cannot be refused one field at a time (an inbound email): each
 * character Postgres cannot store becomes U+FFFD, the replacement character.
 */
export function toStorableText(value: string): string {
  return value.replace(new RegExp(UNSTORABLE_CHARACTER.source, 'gu'), '\uFFFD');
}

/**
 * The string of every contract (protocol actions, NATS commands, events, HTTP bodies): any
 * text but NUL and lone surrogates, refused with a `validation` error where they enter instead
 * of failing at the database (a 500, an `internal` answer). Stored events never held them, so
 * history still decodes. Chain `.min()` / `.max()` as on `z.string()`.
 */
export const SafeString = z.string().refine(isStorableText, {
  message: 'must not contain NUL (U+0000) or unpaired UTF-16 surrogates',
});

export const Id = SafeString.min(1).max(128);

/** The size of a value as JSON in UTF-8, as it is stored (jsonb) and sent (NATS, sockets). */
export function jsonByteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

export const Timestamp = z.iso.datetime({ offset: true });

export const AttachmentRef = z.object({
  attachment_id: Id,
  name: SafeString.max(255),
  content_type: SafeString.max(255),
  size: z.number().int().nonnegative(),
  /** An image's pixel size, read from its bytes (chat files; absent for other files and older attachments). */
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

export const Author = z.object({
  kind: z.enum(['customer', 'agent', 'bot', 'system']),
  id: Id.optional(),
});
export type Author = z.infer<typeof Author>;
