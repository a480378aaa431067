import { describe, expect, it } from '@jest/globals';
import { ChatTimeline } from './chat-timeline.js';
import type { ChatEventView } from './protocol.js';
import { chatEvent } from './testing/scripted-server.js';

function timeline(since = 0): { timeline: ChatTimeline; delivered: number[] } {
  const delivered: number[] = [];
  return {
    timeline: new ChatTimeline('chat-1', since, (event: ChatEventView) => delivered.push(event.version)),
    delivered,
  };
}

describe('ChatTimeline', () => {
  it('delivers events in version order and drops repeats', () => {
    const { timeline: t, delivered } = timeline();
    for (const version of [1, 2, 2, 1, 3]) t.offer(chatEvent('chat-1', version));
    expect(delivered).toEqual([1, 2, 3]);
    expect(t.contiguous).toBe(3);
  });

  it('keeps an event past a gap until the missing one arrives', () => {
    const { timeline: t, delivered } = timeline();
    t.offer(chatEvent('chat-1', 1));
    t.offer(chatEvent('chat-1', 3));
    t.offer(chatEvent('chat-1', 4));
    expect(delivered).toEqual([1]);
    expect(t.hasGap).toBe(true);
    t.offer(chatEvent('chat-1', 2));
    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(t.hasGap).toBe(false);
  });

  it('merges a page that overlaps buffered pushes, each version once', () => {
    const { timeline: t, delivered } = timeline(2);
    t.offer(chatEvent('chat-1', 5));
    t.applyPage(
      [3, 4, 5, 6].map((v) => chatEvent('chat-1', v)),
      6,
    );
    t.offer(chatEvent('chat-1', 6));
    expect(delivered).toEqual([3, 4, 5, 6]);
  });

  it('closes a gap of versions the reader may not see with the page that covers them', () => {
    // Version 3 is a tag (agents only): a customer is never pushed it, and its page skips it.
    const { timeline: t, delivered } = timeline();
    t.offer(chatEvent('chat-1', 1));
    t.offer(chatEvent('chat-1', 2));
    t.offer(chatEvent('chat-1', 4));
    expect(delivered).toEqual([1, 2]);
    t.applyPage([chatEvent('chat-1', 4)], 5);
    expect(delivered).toEqual([1, 2, 4]);
    expect(t.contiguous).toBe(5);
    t.offer(chatEvent('chat-1', 6));
    expect(delivered).toEqual([1, 2, 4, 6]);
  });

  it('ignores a page older than what it holds', () => {
    const { timeline: t, delivered } = timeline();
    t.applyPage(
      [1, 2, 3].map((v) => chatEvent('chat-1', v)),
      3,
    );
    t.applyPage(
      [2, 3].map((v) => chatEvent('chat-1', v)),
      3,
    );
    expect(delivered).toEqual([1, 2, 3]);
  });
});
