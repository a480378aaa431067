import { describe, expect, it } from '@jest/globals';
import type { ChatSummary } from '@livedesk/client';
import { ChatLists, type ChatQueue, type ListedChat } from './chat-lists.js';

function summary(chatId: string, version: number, status: ChatSummary['status'] = 'queued'): ChatSummary {
  return {
    chat_id: chatId,
    customer_id: 'customer-1',
    group_id: 'group-1',
    channel: 'chat',
    status,
    assigned_agent_id: status === 'queued' ? null : 'ada',
    agent_ids: status === 'queued' ? [] : ['ada'],
    started_at: '2026-12-07T10:00:00.000Z',
    updated_at: '2026-12-07T10:00:00.000Z',
    version,
  };
}

const create = (chatSummary: ChatSummary, queue: ChatQueue): ListedChat => ({ summary: chatSummary, queue });
const keepNone = () => false;

function shown(lists: ChatLists<ListedChat>): Record<string, string> {
  return Object.fromEntries(
    [...lists.chats].map(([chatId, entry]) => [chatId, `${entry.queue}@${entry.summary.version}`]),
  );
}

describe('ChatLists: the desk lists from pushes and list_chats reads', () => {
  it('takes what a read answers: later lists win, chats in no list leave', () => {
    const lists = new ChatLists<ListedChat>();
    lists.merge(lists.asked(), [['queued', [summary('a', 1), summary('b', 1)]]], keepNone, create);
    expect(shown(lists)).toEqual({ a: 'queued@1', b: 'queued@1' });
    lists.merge(
      lists.asked(),
      [
        ['other', [summary('a', 3, 'active')]],
        ['mine', [summary('a', 3, 'active')]],
      ],
      keepNone,
      create,
    );
    expect(shown(lists)).toEqual({ a: 'mine@3' });
  });

  it('a read asked before routing assigned the chat, answered after incoming_chat, leaves it mine', () => {
    const lists = new ChatLists<ListedChat>();
    // chat_queued: the desk asks for the lists.
    const asked = lists.asked();
    // Routing assigns the chat while they are read; incoming_chat arrives first.
    lists.pushed('a', (current) => ({ ...current, summary: summary('a', 2, 'active'), queue: 'mine' }));
    // The answer: read before the assignment, the chat still queued and not mine.
    lists.merge(
      asked,
      [
        ['queued', [summary('a', 1)]],
        ['mine', []],
      ],
      keepNone,
      create,
    );
    expect(shown(lists)).toEqual({ a: 'mine@2' });
  });

  it('a chat pushed during a read stays when the answer has it in no list', () => {
    const lists = new ChatLists<ListedChat>();
    const asked = lists.asked();
    lists.pushed('a', () => ({ summary: summary('a', 2, 'active'), queue: 'mine' }));
    // "mine" was read before the assignment, "queued" after it: the chat is in neither.
    lists.merge(
      asked,
      [
        ['queued', []],
        ['mine', []],
      ],
      keepNone,
      create,
    );
    expect(shown(lists)).toEqual({ a: 'mine@2' });
    // The next read, asked after the push, decides.
    lists.merge(
      lists.asked(),
      [
        ['queued', []],
        ['mine', []],
      ],
      keepNone,
      create,
    );
    expect(shown(lists)).toEqual({});
  });

  it('a newer or equal version in the answer replaces what a push set', () => {
    const lists = new ChatLists<ListedChat>();
    lists.pushed('a', () => ({ summary: summary('a', 2, 'active'), queue: 'mine' }));
    const asked = lists.asked();
    // Transferred away since: the answer has it in no list of this agent but another's Active list.
    lists.merge(asked, [['other', [summary('a', 5, 'active')]]], keepNone, create);
    expect(shown(lists)).toEqual({ a: 'other@5' });
  });

  it('keeps what `keep` holds (an ended or open chat) although no list has it', () => {
    const lists = new ChatLists<ListedChat>();
    lists.merge(lists.asked(), [['mine', [summary('a', 2, 'active'), summary('b', 2, 'active')]]], keepNone, create);
    lists.chats.get('a')!.ended = 'resolved';
    lists.merge(lists.asked(), [['mine', []]], (_chatId, entry) => entry.ended !== undefined, create);
    expect(shown(lists)).toEqual({ a: 'mine@2' });
  });
});
