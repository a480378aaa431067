import { describe, expect, it } from '@jest/globals';
import type { StoredChatEvent } from '@livedesk/contracts';
import { chatEventPage } from './chat-event-page.js';

const at = new Date('2026-12-01T10:00:00Z');
function event(
  version: number,
  type = 'MessagePosted',
  data: Record<string, unknown> = { text: `message ${version}` },
): StoredChatEvent {
  return {
    chatId: 'chat-1',
    version,
    eventId: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    type,
    occurredAt: at,
    data,
  };
}
const chat = [1, 2, 3, 4, 5, 6].map((version) => event(version));
const versions = (page: { events: { version: number }[] }) => page.events.map((view) => view.version);

describe('chatEventPage: get_chat pages bounded by count and bytes', () => {
  it('answers the events after since_version up to the limit, with has_more and the next since_version', () => {
    const page = chatEventPage(chat, { sinceVersion: 1, limit: 3, maxBytes: 1_000_000, audience: 'agent' });
    expect(versions(page)).toEqual([2, 3, 4]);
    expect(page).toMatchObject({ hasMore: true, nextSinceVersion: 4 });
    const last = chatEventPage(chat, { sinceVersion: 4, limit: 3, maxBytes: 1_000_000, audience: 'agent' });
    expect(versions(last)).toEqual([5, 6]);
    expect(last).toMatchObject({ hasMore: false, nextSinceVersion: 6 });
  });

  it('stops before the byte budget, but always holds one event so that a reader moves on', () => {
    const big = [
      event(1, 'MessagePosted', { text: 'a'.repeat(600) }),
      event(2, 'MessagePosted', { text: 'b'.repeat(600) }),
      event(3),
    ];
    const first = chatEventPage(big, { sinceVersion: 0, limit: 100, maxBytes: 1000, audience: 'agent' });
    expect(versions(first)).toEqual([1]);
    expect(first).toMatchObject({ hasMore: true, nextSinceVersion: 1 });
    const second = chatEventPage(big, { sinceVersion: 1, limit: 100, maxBytes: 100, audience: 'agent' });
    expect(versions(second)).toEqual([2]);
    expect(second.hasMore).toBe(true);
  });

  it('covers events hidden from the customer, so the next page does not ask for them again', () => {
    const withTags = [event(1), event(2, 'TagAdded', { tag: 'vip' }), event(3, 'TagAdded', { tag: 'late' }), event(4)];
    const page = chatEventPage(withTags, { sinceVersion: 1, limit: 1, maxBytes: 1_000_000, audience: 'customer' });
    expect(versions(page)).toEqual([4]);
    expect(page).toMatchObject({ hasMore: false, nextSinceVersion: 4 });
    const tail = chatEventPage(withTags.slice(0, 3), {
      sinceVersion: 1,
      limit: 5,
      maxBytes: 1_000_000,
      audience: 'customer',
    });
    expect(tail).toEqual({ events: [], hasMore: false, nextSinceVersion: 3 });
  });

  it("leaves internal notes out of the customer's pages (covered) and keeps them in the agents'", () => {
    const withNotes = [
      event(1),
      event(2, 'InternalNotePosted', { text: 'VIP' }),
      event(3),
      event(4, 'InternalNotePosted', { text: 'refund' }),
    ];
    const customers = chatEventPage(withNotes, {
      sinceVersion: 0,
      limit: 1,
      maxBytes: 1_000_000,
      audience: 'customer',
    });
    expect(versions(customers)).toEqual([1]);
    expect(customers).toMatchObject({ hasMore: true, nextSinceVersion: 2 });
    const next = chatEventPage(withNotes, { sinceVersion: 2, limit: 1, maxBytes: 1_000_000, audience: 'customer' });
    expect(next).toMatchObject({ hasMore: false, nextSinceVersion: 4 });
    expect(versions(next)).toEqual([3]);
    const agents = chatEventPage(withNotes, { sinceVersion: 0, limit: 10, maxBytes: 1_000_000, audience: 'agent' });
    expect(versions(agents)).toEqual([1, 2, 3, 4]);
  });

  it('answers an empty last page past the chat version', () => {
    expect(chatEventPage(chat, { sinceVersion: 99, limit: 10, maxBytes: 1000, audience: 'agent' })).toEqual({
      events: [],
      hasMore: false,
      nextSinceVersion: 99,
    });
  });
});
