import { describe, expect, it } from '@jest/globals';
import type { TranscriptMessage } from '@livedesk/contracts';
import { REPLY_MARKER } from '../email/outbound/reply-marker.js';
import { TRANSCRIPT_BODY_MAX_CHARS, transcriptEmail } from './transcript-email.js';

const message = (
  i: number,
  kind: TranscriptMessage['author']['kind'],
  text: string,
  attachments: TranscriptMessage['attachments'] = [],
): TranscriptMessage => ({
  message_id: `m-${i}`,
  author: { kind, ...(kind === 'customer' ? { id: 'cust-1' } : kind === 'agent' ? { id: 'alice' } : {}) },
  text,
  attachments,
  posted_at: new Date(Date.UTC(2026, 11, 5, 9, i)).toISOString(),
});

describe('transcriptEmail', () => {
  it('lists the messages in order with their minute and speaker, and the names of their files', () => {
    const email = transcriptEmail(
      [
        message(1, 'customer', 'Where is my parcel?'),
        message(2, 'agent', 'It left the warehouse.\nTracking: 42', [
          { attachment_id: 'f-1', name: 'label.pdf', content_type: 'application/pdf', size: 10 },
        ]),
        message(3, 'bot', 'Anything else?'),
      ],
      '2026-12-05T09:00:30.000Z',
    );
    expect(email.subject).toBe('Your chat transcript (2026-12-05)');
    expect(email.body.startsWith(REPLY_MARKER)).toBe(true);
    const where = ['Where is my parcel?', 'It left the warehouse.', 'Tracking: 42', 'label.pdf', 'Anything else?'].map(
      (text) => email.body.indexOf(text),
    );
    expect(where.every((index) => index > 0)).toBe(true);
    expect([...where].sort((a, b) => a - b)).toEqual(where);
    expect(email.body).toContain('[2026-12-05 09:01] You:\n  Where is my parcel?');
    expect(email.body).toContain(
      '[2026-12-05 09:02] Agent:\n  It left the warehouse.\n  Tracking: 42\n  (files: label.pdf)',
    );
    expect(email.body).toContain('[2026-12-05 09:03] Bot:');
  });

  it('says so when the chat has no messages', () => {
    expect(transcriptEmail([], undefined).body).toContain('(No messages.)');
  });

  it('keeps the newest messages of a transcript too long for one email, and says how many it left out', () => {
    const long = 'x'.repeat(16_000);
    const messages = Array.from({ length: 40 }, (_, i) =>
      message(i, i % 2 === 0 ? 'customer' : 'agent', `${i}:${long}`),
    );
    const email = transcriptEmail(messages, undefined);
    expect(email.body.length).toBeLessThanOrEqual(TRANSCRIPT_BODY_MAX_CHARS + 500);
    const kept = (email.body.match(/\] (You|Agent):/g) ?? []).length;
    expect(kept).toBeGreaterThan(20);
    expect(kept).toBeLessThan(40);
    expect(email.body).toContain(`(${40 - kept} earlier messages left out`);
    expect(email.body).toContain('\n  39:x');
    expect(email.body).not.toContain('\n  0:x');
  });
});
