import { describe, expect, it } from '@jest/globals';
import type { TranscriptMessage } from '@livedesk/contracts';
import { transcriptExcerpt } from './transcript-excerpt.js';

function message(i: number, text = `message ${i}`): TranscriptMessage {
  return {
    message_id: `m${i}`,
    author: { kind: 'customer', id: 'c1' },
    text,
    attachments: [],
    posted_at: '2026-03-02T08:59:00.000Z',
  };
}
const ids = (messages: TranscriptMessage[]) => messages.map((m) => m.message_id);

describe('transcriptExcerpt: what a ticket copies of its chat', () => {
  it('keeps a short transcript whole', () => {
    const transcript = [message(1), message(2)];
    expect(transcriptExcerpt(transcript)).toEqual({ messages: transcript, truncated: false });
    expect(transcriptExcerpt([])).toEqual({ messages: [], truncated: false });
  });

  it('keeps the newest messages, oldest first, up to the message count', () => {
    const transcript = Array.from({ length: 60 }, (_, i) => message(i));
    const excerpt = transcriptExcerpt(transcript);
    expect(excerpt.truncated).toBe(true);
    expect(excerpt.messages).toHaveLength(50);
    expect(ids(excerpt.messages)[0]).toBe('m10');
    expect(ids(excerpt.messages).at(-1)).toBe('m59');
  });

  it('stops before the byte budget, measured as JSON', () => {
    const transcript = [message(1, 'a'.repeat(300)), message(2, 'b'.repeat(300)), message(3, 'c'.repeat(300))];
    const excerpt = transcriptExcerpt(transcript, { maxMessages: 50, maxBytes: 900 });
    expect(ids(excerpt.messages)).toEqual(['m2', 'm3']);
    expect(excerpt.truncated).toBe(true);
  });

  it('keeps the newest message even when it alone is over the budget', () => {
    const excerpt = transcriptExcerpt([message(1), message(2, 'x'.repeat(2000))], { maxMessages: 50, maxBytes: 100 });
    expect(ids(excerpt.messages)).toEqual(['m2']);
    expect(excerpt.truncated).toBe(true);
  });
});
