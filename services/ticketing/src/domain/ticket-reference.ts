import { createHash } from 'node:crypto';

/**
 * A ticket's reference, `LD-` and 10 characters of Crockford's base32 (no I, L, O, U: nothing
 * to misread when a person types it), derived from the ticket id. It threads email: it is in
 * the reply-to address (`…+LD-…@`) and in the subject (`[LD-…]`) of every email about the ticket.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function ticketReference(ticketId: string): string {
  const digest = createHash('sha256').update(`ticket-reference:${ticketId}`).digest();
  let value = digest.readBigUInt64BE(0);
  let text = '';
  for (let i = 0; i < 10; i++) {
    text = ALPHABET[Number(value & 31n)] + text;
    value >>= 5n;
  }
  return `LD-${text}`;
}

const IN_TEXT = /\bLD-([0-9A-HJKMNP-TV-Z]{10})\b/i;

/** The reference a subject or an address names, if any (case-insensitive: mail clients fold case). */
export function referenceIn(text: string | undefined): string | undefined {
  const match = text === undefined ? null : IN_TEXT.exec(text);
  return match ? `LD-${match[1]!.toUpperCase()}` : undefined;
}
