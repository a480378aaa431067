import { describe, expect, it } from '@jest/globals';
import { isStorableText, ticketHttp } from '@livedesk/contracts';
import { boundedEmailText } from './bounded-email-text.js';

describe('boundedEmailText: an email longer than a ticket reply', () => {
  it('keeps a text within the bound as it is', () => {
    expect(boundedEmailText('short', 100)).toBe('short');
    expect(boundedEmailText('x'.repeat(100), 100)).toBe('x'.repeat(100));
  });

  it('cuts a longer text to the bound with a note saying how long it was', () => {
    const cut = boundedEmailText('y'.repeat(70_000));
    expect(cut).toHaveLength(65_536);
    expect(cut).toMatch(/\[The email was cut here: it had 70000 characters; a ticket keeps 65536\.\]$/);
  });

  it('never splits a surrogate pair at the cut', () => {
    for (let offset = 0; offset < 2; offset++) {
      const cut = boundedEmailText('a'.repeat(offset) + '👋'.repeat(200), 200);
      expect(cut.length).toBeLessThanOrEqual(200);
      expect(isStorableText(cut)).toBe(true);
    }
  });

  it('replaces control characters, so that the text fits the JSON bound of a ticket text', () => {
    expect(boundedEmailText('a\u0001b\tc\r\nd\u001F')).toBe('a\uFFFDb\tc\r\nd\uFFFD');
    const text = boundedEmailText('\u0002'.repeat(70_000));
    expect(ticketHttp.NoteRequest.safeParse({ client_id: 'c', text }).success).toBe(true);
  });
});
