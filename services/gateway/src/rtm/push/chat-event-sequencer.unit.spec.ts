import { describe, expect, it } from '@jest/globals';
import { ChatEventSequencer, eventsFillingGap, versionStep, type ChatEvent } from './chat-event-sequencer.js';

function event(version: number, chat = 'c-1'): ChatEvent {
  return {
    event_id: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    organization_id: 'org',
    stream_version: version,
    type: 'MessagePosted',
    data: { text: `${chat} v${version}` },
    occurred_at: '2026-12-05T08:00:00.000Z',
    metadata: {},
  };
}

describe('versionStep', () => {
  it('pushes the first event of a chat it has not seen, and the next version', () => {
    expect(versionStep(undefined, 7)).toEqual({ kind: 'next' });
    expect(versionStep(6, 7)).toEqual({ kind: 'next' });
  });

  it('skips a version already pushed', () => {
    expect(versionStep(7, 7)).toEqual({ kind: 'repeat' });
    expect(versionStep(7, 3)).toEqual({ kind: 'repeat' });
  });

  it('reports the versions between the last pushed and the arriving one as missing', () => {
    expect(versionStep(5, 7)).toEqual({ kind: 'gap', since: 5 });
  });
});

describe('eventsFillingGap', () => {
  it('keeps only the versions inside the gap, in order, each once', () => {
    const fetched = [event(9), event(6), event(8), event(7), event(6), event(5)];
    expect(eventsFillingGap(fetched, 5, 9).map((e) => e.stream_version)).toEqual([6, 7, 8]);
  });
});

describe('ChatEventSequencer', () => {
  function sequencer(store: ChatEvent[], fail = false) {
    const fetches: { since: number; before: number }[] = [];
    const pushed: string[] = [];
    const sequencer = new ChatEventSequencer({
      fetchSince: async (_org, _chat, since, before) => {
        fetches.push({ since, before });
        if (fail) throw new Error('conversation service unavailable');
        return store.filter((e) => e.stream_version > since);
      },
    });
    const accept = (chat: string, e: ChatEvent) =>
      sequencer.accept(chat, e, async (next) => void pushed.push(`${chat}@${next.stream_version}`));
    return { accept, fetches, pushed };
  }

  it('fetches the versions that never came and pushes them before the one that skipped ahead', async () => {
    const stored = [1, 2, 3, 4, 5].map((v) => event(v));
    const { accept, fetches, pushed } = sequencer(stored);
    await accept('c-1', stored[0]!);
    await accept('c-1', stored[1]!);
    await accept('c-1', stored[4]!); // versions 3 and 4 were lost on the way
    expect(pushed).toEqual(['c-1@1', 'c-1@2', 'c-1@3', 'c-1@4', 'c-1@5']);
    expect(fetches).toEqual([{ since: 2, before: 5 }]);
  });

  it('never pushes a version twice, and fetches nothing while versions come in order', async () => {
    const { accept, fetches, pushed } = sequencer([]);
    for (const v of [1, 2, 2, 3, 1, 4]) await accept('c-1', event(v));
    expect(pushed).toEqual(['c-1@1', 'c-1@2', 'c-1@3', 'c-1@4']);
    expect(fetches).toEqual([]);
  });

  it('keeps each chat apart', async () => {
    const { accept, fetches, pushed } = sequencer([]);
    await accept('c-1', event(3, 'c-1'));
    await accept('c-2', event(8, 'c-2'));
    await accept('c-1', event(4, 'c-1'));
    expect(pushed).toEqual(['c-1@3', 'c-2@8', 'c-1@4']);
    expect(fetches).toEqual([]);
  });

  it('still pushes the arriving event when the missing ones cannot be fetched', async () => {
    const { accept, pushed } = sequencer([], true);
    await accept('c-1', event(1));
    await accept('c-1', event(4));
    await accept('c-1', event(5));
    expect(pushed).toEqual(['c-1@1', 'c-1@4', 'c-1@5']);
  });
});
