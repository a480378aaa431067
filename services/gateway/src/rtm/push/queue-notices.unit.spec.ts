import { describe, expect, it } from '@jest/globals';
import { MAX_CHATS_PER_NOTICE, QueueNotices, type QueuedChat } from './queue-notices.js';

/** Timers the test fires by hand: `tick()` runs every timer due. */
function manualTimers() {
  let now = 0;
  let next = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  return {
    timers: {
      set: (run: () => void, ms: number) => {
        const id = ++next;
        due.set(id, { at: now + ms, run });
        return id as unknown as ReturnType<typeof setTimeout>;
      },
      clear: (timer: ReturnType<typeof setTimeout>) => void due.delete(timer as unknown as number),
    },
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...due]) {
        if (timer.at <= now) {
          due.delete(id);
          timer.run();
        }
      }
    },
    pending: () => due.size,
  };
}

const chat = (n: number, version = 2, group = 'g1'): QueuedChat => ({ chat_id: `c${n}`, version, group_id: group });

describe('QueueNotices', () => {
  it('sends the first chat after a quiet period at once and the next ones together at the end of the period', () => {
    const clock = manualTimers();
    const sent: [string, string[]][] = [];
    const notices = new QueueNotices(250, (org, chats) => sent.push([org, chats.map((c) => c.chat_id)]), clock.timers);
    notices.add('acme', chat(1));
    expect(sent).toEqual([['acme', ['c1']]]);
    notices.add('acme', chat(2));
    notices.add('acme', chat(3));
    clock.advance(249);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent).toEqual([
      ['acme', ['c1']],
      ['acme', ['c2', 'c3']],
    ]);
    // A quiet period ends the window: the next chat goes out at once again.
    clock.advance(250);
    expect(clock.pending()).toBe(0);
    notices.add('acme', chat(4));
    expect(sent.at(-1)).toEqual(['acme', ['c4']]);
  });

  it('sends at most one batch per period per organization, whatever the rate, with every chat once', () => {
    const clock = manualTimers();
    const sent: [string, QueuedChat[]][] = [];
    const notices = new QueueNotices(250, (org, chats) => sent.push([org, chats]), clock.timers);
    // 100 chats a second for 10 s, in two organizations, one every 10 ms.
    for (let n = 0; n < 1000; n++) {
      notices.add(n % 2 === 0 ? 'acme' : 'globex', chat(n));
      clock.advance(10);
    }
    clock.advance(1000);
    for (const org of ['acme', 'globex']) {
      const batches = sent.filter(([o]) => o === org).map(([, chats]) => chats);
      // 10 s at one frame per 250 ms: 40 periods, plus the first chat at once.
      expect(batches.length).toBeLessThanOrEqual(41);
      expect(
        batches
          .flat()
          .map((c) => c.chat_id)
          .sort(),
      ).toEqual(Array.from({ length: 500 }, (_, i) => `c${org === 'acme' ? i * 2 : i * 2 + 1}`).sort());
    }
  });

  it('keeps the latest notice of a chat queued twice in one period', () => {
    const clock = manualTimers();
    const sent: QueuedChat[][] = [];
    const notices = new QueueNotices(250, (_org, chats) => sent.push(chats), clock.timers);
    notices.add('acme', chat(1));
    notices.add('acme', chat(2, 2, 'g1'));
    notices.add('acme', chat(2, 5, 'g2'));
    clock.advance(250);
    expect(sent[1]).toEqual([{ chat_id: 'c2', version: 5, group_id: 'g2' }]);
  });

  it('splits a period of many chats into batches of at most MAX_CHATS_PER_NOTICE', () => {
    const clock = manualTimers();
    const sizes: number[] = [];
    const notices = new QueueNotices(250, (_org, chats) => sizes.push(chats.length), clock.timers);
    for (let n = 0; n <= MAX_CHATS_PER_NOTICE * 2; n++) notices.add('acme', chat(n));
    clock.advance(250);
    expect(sizes).toEqual([1, MAX_CHATS_PER_NOTICE, MAX_CHATS_PER_NOTICE]);
  });

  it('sends each at once with an interval of 0, and drops what is pending when closed', () => {
    const clock = manualTimers();
    const sent: string[] = [];
    const immediate = new QueueNotices(0, (_org, chats) => sent.push(...chats.map((c) => c.chat_id)), clock.timers);
    immediate.add('acme', chat(1));
    immediate.add('acme', chat(2));
    expect(sent).toEqual(['c1', 'c2']);
    expect(clock.pending()).toBe(0);

    const closing = new QueueNotices(250, (_org, chats) => sent.push(...chats.map((c) => c.chat_id)), clock.timers);
    closing.add('acme', chat(3));
    closing.add('acme', chat(4));
    closing.close();
    clock.advance(1000);
    expect(sent).toEqual(['c1', 'c2', 'c3']);
  });
});
