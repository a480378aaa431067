import { describe, expect, it } from '@jest/globals';
import type { ChatEventView } from '@livedesk/contracts';
import { readChatEventsBetween, type ChatEventsPage } from './read-chat-events.js';

function view(version: number): ChatEventView {
  return {
    chat_id: 'c-1',
    version,
    event_id: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    type: 'MessagePosted',
    created_at: '2026-12-05T08:00:00.000Z',
    data: {},
  };
}

/** get_chat over versions 1..last, `limit` per page when it pages, everything at once when it does not. */
function getChat(last: number, limit?: number) {
  const asked: number[] = [];
  const readPage = async (since: number): Promise<ChatEventsPage> => {
    asked.push(since);
    const after = Array.from({ length: last }, (_, i) => view(i + 1)).filter((e) => e.version > since);
    if (limit === undefined) return { events: after };
    return { events: after.slice(0, limit), has_more: after.length > limit };
  };
  return { readPage, asked };
}

describe('readChatEventsBetween', () => {
  it('reads the events between two versions from an answer that does not page', async () => {
    const { readPage, asked } = getChat(10);
    expect((await readChatEventsBetween(readPage, 3, 7)).map((e) => e.version)).toEqual([4, 5, 6]);
    expect(asked).toEqual([3]);
  });

  it('follows has_more page after page, and stops once the gap is read', async () => {
    const { readPage, asked } = getChat(20, 2);
    expect((await readChatEventsBetween(readPage, 3, 9)).map((e) => e.version)).toEqual([4, 5, 6, 7, 8]);
    expect(asked).toEqual([3, 5, 7]);
  });

  it('stops when get_chat has nothing more', async () => {
    const { readPage, asked } = getChat(5, 2);
    expect((await readChatEventsBetween(readPage, 0, 100)).map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([0, 2, 4]);
  });
});
