import { describe, expect, it } from '@jest/globals';
import { foldAgent, type StoredAgentEvent } from './fold-agent.js';
import type { ChatSnapshot, ConversationFold } from './fold-conversation.js';
import { planRestore, restoreParts, type RestoreSettings } from './plan-restore.js';

const settings: RestoreSettings = {
  organizationId: 'org',
  nowMs: 5_000_000,
  autoTransferMs: 120_000,
  presenceWaitMs: 60_000,
  abandonMs: 30_000,
};

function chat(chatId: string, overrides: Partial<ChatSnapshot> = {}): ChatSnapshot {
  return {
    chatId,
    groupId: 'g',
    channel: 'chat',
    customerId: `cust-${chatId}`,
    queuedAtMs: null,
    queueOrder: null,
    holder: null,
    passedAgentIds: [],
    ...overrides,
  };
}

function folds(...chats: (ChatSnapshot | [string, null])[]): Map<string, ConversationFold> {
  return new Map<string, ConversationFold>(
    chats.map((entry, i): [string, ConversationFold] =>
      Array.isArray(entry)
        ? [`conversation-${entry[0]}`, { version: 10 + i, chat: null, lastAssignedAtMs: {} }]
        : [
            `conversation-${entry.chatId}`,
            {
              version: 10 + i,
              chat: entry,
              lastAssignedAtMs: entry.holder ? { [entry.holder.agentId]: entry.holder.assignedAtMs } : {},
            },
          ],
    ),
  );
}

function statusChange(
  to: 'accepting' | 'not_accepting' | 'offline',
  reason: 'agent' | 'presence' | 'supervisor' | 'system',
  at: number,
): StoredAgentEvent {
  return {
    event: { type: 'AgentStatusChanged', data: { agent_id: 'a', from: 'offline', to, reason } },
    occurredAtMs: at,
  };
}

describe('foldAgent: an agent as routing holds it, from its stream', () => {
  it('takes the last status, and the last one the agent or a supervisor chose', () => {
    const events = [
      statusChange('accepting', 'presence', 1),
      statusChange('not_accepting', 'agent', 2),
      statusChange('offline', 'presence', 3),
      statusChange('not_accepting', 'presence', 4),
    ];
    expect(foldAgent('a', events)).toEqual({
      agentId: 'a',
      status: 'not_accepting',
      statusChangedAtMs: 4,
      chosen: 'not_accepting',
    });
  });

  it('counts a chosen offline as not accepting, and knows no choice when only presence set a status', () => {
    expect(foldAgent('a', [statusChange('accepting', 'presence', 1)])?.chosen).toBeNull();
    expect(foldAgent('a', [statusChange('offline', 'supervisor', 1)])).toMatchObject({
      status: 'offline',
      chosen: 'not_accepting',
    });
    expect(foldAgent('a', [])).toBeNull();
  });
});

describe('planRestore: what a rebuild writes', () => {
  it('hands out queue places by first queued time, then by arrival, and slots in assignment order', () => {
    const plan = planRestore(
      folds(
        chat('late', { queuedAtMs: 300, queueOrder: 1 }),
        chat('second', { queuedAtMs: 100, queueOrder: 20 }),
        chat('first', { queuedAtMs: 100, queueOrder: 10 }),
        chat('never-queued'),
        chat('held-b', {
          queuedAtMs: 50,
          queueOrder: 5,
          holder: { agentId: 'b', kind: 'human', assignedAtMs: 900, replied: true },
        }),
        chat('held-a', {
          queuedAtMs: 60,
          queueOrder: 6,
          holder: { agentId: 'a', kind: 'human', assignedAtMs: 700, replied: true },
        }),
      ),
      [],
      settings,
    );
    expect(plan.chats.map((c) => c.chatId)).toEqual(['held-b', 'held-a', 'first', 'second', 'late', 'never-queued']);
    expect(plan.holds).toEqual([
      { chatId: 'held-a', agentId: 'a', assignedAtMs: 700 },
      { chatId: 'held-b', agentId: 'b', assignedAtMs: 900 },
    ]);
    expect(plan.lastAssignments).toEqual([
      { agentId: 'a', atMs: 700 },
      { agentId: 'b', atMs: 900 },
    ]);
  });

  it('sets the position of every stream read, ended chats included, so that their late events are not applied twice', () => {
    const plan = planRestore(folds(chat('open'), ['ended', null]), [], settings);
    expect(plan.positions).toEqual([
      { streamId: 'conversation-ended', version: 11 },
      { streamId: 'conversation-open', version: 10 },
    ]);
    expect(plan.chats.map((c) => c.chatId)).toEqual(['open']);
  });

  it('keeps the positions of chats that ended, unless the stream was found live (reopened) since', () => {
    const plan = planRestore(folds(chat('reopened')), [], settings, [
      { streamId: 'conversation-old', version: 7 },
      { streamId: 'conversation-reopened', version: 4 },
    ]);
    expect(plan.positions).toEqual([
      { streamId: 'conversation-old', version: 7 },
      { streamId: 'conversation-reopened', version: 10 },
    ]);
  });

  it('sets the auto-transfer of each human agent who owes a reply, and a presence grace for each agent not offline', () => {
    const plan = planRestore(
      folds(
        chat('owed', { groupId: 'vip', holder: { agentId: 'a', kind: 'human', assignedAtMs: 1000, replied: false } }),
        chat('answered', { holder: { agentId: 'a', kind: 'human', assignedAtMs: 1000, replied: true } }),
        chat('bot', { holder: { agentId: 'robot', kind: 'bot', assignedAtMs: 1000, replied: false } }),
      ),
      [
        { agentId: 'a', status: 'accepting', statusChangedAtMs: 1, chosen: 'accepting' },
        { agentId: 'b', status: 'not_accepting', statusChangedAtMs: 1, chosen: 'not_accepting' },
        { agentId: 'c', status: 'offline', statusChangedAtMs: 1, chosen: null },
      ],
      settings,
    );
    expect(
      plan.timers.filter(({ timer }) => timer.kind === 'auto_transfer' || timer.kind === 'presence_grace'),
    ).toEqual([
      {
        timer: { kind: 'auto_transfer', organization_id: 'org', chat_id: 'owed', agent_id: 'a', group_id: 'vip' },
        dueAtMs: 121_000,
      },
      { timer: { kind: 'presence_grace', organization_id: 'org', agent_id: 'a' }, dueAtMs: 5_060_000 },
      { timer: { kind: 'presence_grace', organization_id: 'org', agent_id: 'b' }, dueAtMs: 5_060_000 },
    ]);
  });

  it("checks each queued chat's customer one period after the rebuild, and each held live chat's inactivity at once", () => {
    const plan = planRestore(
      folds(
        chat('waiting', { queuedAtMs: 100, queueOrder: 1 }),
        chat('never-queued'),
        chat('talking', {
          queuedAtMs: 50,
          queueOrder: 2,
          holder: { agentId: 'a', kind: 'human', assignedAtMs: 1000, replied: true },
        }),
        chat('by-mail', {
          channel: 'messaging',
          queuedAtMs: 60,
          queueOrder: 3,
          holder: { agentId: 'a', kind: 'human', assignedAtMs: 1000, replied: true },
        }),
      ),
      [],
      settings,
    );
    expect(plan.timers).toEqual([
      { timer: { kind: 'inactivity', organization_id: 'org', chat_id: 'talking' }, dueAtMs: 5_000_000 },
      { timer: { kind: 'customer_left', organization_id: 'org', chat_id: 'waiting' }, dueAtMs: 5_030_000 },
    ]);
  });

  it('writes in bounded parts: agents first, each chat with its position, then the slots', () => {
    const many = Array.from({ length: 450 }, (_, i) =>
      chat(`c${String(i).padStart(3, '0')}`, {
        queuedAtMs: i,
        queueOrder: i,
        holder: i % 2 ? { agentId: 'a', kind: 'bot', assignedAtMs: i, replied: false } : null,
      }),
    );
    const plan = planRestore(
      folds(...many, ['gone', null]),
      [{ agentId: 'a', status: 'accepting', statusChangedAtMs: 1, chosen: null }],
      settings,
    );
    const parts = restoreParts(plan);
    expect(
      parts.map((part) => [
        part.agents?.length ?? 0,
        part.chats?.length ?? 0,
        part.positions?.length ?? 0,
        part.holds?.length ?? 0,
      ]),
    ).toEqual([
      [1, 0, 0, 0],
      [0, 200, 200, 0],
      [0, 200, 200, 0],
      [0, 50, 50, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 200],
      [0, 0, 0, 25],
    ]);
    for (const part of parts.filter((p) => p.chats)) {
      expect(part.positions!.map((p) => p.streamId)).toEqual(part.chats!.map((c) => `conversation-${c.chatId}`));
    }
  });
});
