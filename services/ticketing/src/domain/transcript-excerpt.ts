import {
  TRANSCRIPT_EXCERPT_MAX_BYTES,
  TRANSCRIPT_EXCERPT_MAX_MESSAGES,
  type TranscriptMessage,
} from '@livedesk/contracts';

export interface TranscriptExcerpt {
  messages: TranscriptMessage[];
  /** Older messages were left out. */
  truncated: boolean;
}

/**
 * The part of a chat's transcript a ticket copies: the newest messages, oldest first, at most
 * TRANSCRIPT_EXCERPT_MAX_MESSAGES and TRANSCRIPT_EXCERPT_MAX_BYTES of JSON (the newest message
 * is kept whatever its size). A missed chat of 80 messages of 16 KB became a 1.3 MB
 * TicketCreated, over NATS' max_payload, and stopped the outbox relay; the ticket now names
 * the chat and its version instead of carrying all of it.
 */
export function transcriptExcerpt(
  transcript: readonly TranscriptMessage[],
  bounds = { maxMessages: TRANSCRIPT_EXCERPT_MAX_MESSAGES, maxBytes: TRANSCRIPT_EXCERPT_MAX_BYTES },
): TranscriptExcerpt {
  let first = transcript.length;
  let bytes = 0;
  while (first > 0 && transcript.length - first < bounds.maxMessages) {
    const size = Buffer.byteLength(JSON.stringify(transcript[first - 1]));
    if (first < transcript.length && bytes + size > bounds.maxBytes) break;
    bytes += size;
    first--;
  }
  return { messages: transcript.slice(first), truncated: first > 0 };
}
