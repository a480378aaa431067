import { describe, expect, it } from '@jest/globals';
import { TRANSFER_NOTES } from '../dispatch/transfer-notes.js';
import { foldConversation, type FoldedConversationEvent, type StoredConversationEvent } from './fold-conversation.js';

/** Events of one stream, versions 1…n, one second apart from t = 1000 s, positions 100 apart. */
function stream(...events: FoldedConversationEvent[]): StoredConversationEvent[] {
  return events.map((event, i) => ({
    event,
    streamVersion: i + 1,
    globalPosition: 100 * (i + 1),
    occurredAtMs: 1_000_000 + 1000 * i,
  }));
}

const started: FoldedConversationEvent = {
  type: 'ConversationStarted',
  data: { conversation_id: 'c1', channel: 'chat', group_id: 'sales', customer_id: 'cust' },
};
const queued = (group: string): FoldedConversationEvent => ({ type: 'ConversationQueued', data: { group_id: group } });
const assigned = (agent: string, kind: 'human' | 'bot' = 'human'): FoldedConversationEvent => ({
  type: 'AgentAssigned',
  data: { agent_id: agent, agent_kind: kind, by: 'routing' },
});
const agentWrote = (agent: string): FoldedConversationEvent => ({
  type: 'MessagePosted',
  data: { author: { kind: 'agent', id: agent } },
});
const autoTransfer = (from: string, note: string): FoldedConversationEvent => ({
  type: 'ConversationTransferred',
  data: { from_agent_id: from, to_group_id: 'sales', reason: 'auto', note },
});

describe('foldConversation: a chat as routing holds it, from its stream', () => {
  it('queues a started chat in its group at its first queued time', () => {
    expect(foldConversation('c1', stream(started, queued('sales')))).toEqual({
      version: 2,
      chat: {
        chatId: 'c1',
        groupId: 'sales',
        channel: 'chat',
        customerId: 'cust',
        queuedAtMs: 1_001_000,
        queueOrder: 200,
        holder: null,
        passedAgentIds: [],
      },
      lastAssignedAtMs: {},
    });
  });

  it('gives the slot to the assigned agent, owing a reply until the agent writes', () => {
    const waiting = foldConversation('c1', stream(started, queued('sales'), assigned('ann')));
    expect(waiting.chat?.holder).toEqual({ agentId: 'ann', kind: 'human', assignedAtMs: 1_002_000, replied: false });
    const answered = foldConversation(
      'c1',
      stream(started, queued('sales'), assigned('ann'), agentWrote('bob'), agentWrote('ann')),
    );
    expect(answered.chat?.holder).toEqual({ agentId: 'ann', kind: 'human', assignedAtMs: 1_002_000, replied: true });
  });

  it('keeps the first queued time and place when a chat is queued again, in the new group', () => {
    const { chat } = foldConversation(
      'c1',
      stream(
        started,
        queued('sales'),
        assigned('ann'),
        autoTransfer('ann', TRANSFER_NOTES.agentOffline),
        queued('vip'),
      ),
    );
    expect(chat).toMatchObject({
      groupId: 'vip',
      holder: null,
      queuedAtMs: 1_001_000,
      queueOrder: 200,
      passedAgentIds: [],
    });
  });

  it('remembers an agent who let the chat pass for want of a reply, and only that one', () => {
    const { chat } = foldConversation(
      'c1',
      stream(
        started,
        queued('sales'),
        assigned('ann'),
        autoTransfer('ann', TRANSFER_NOTES.noReply),
        queued('sales'),
        assigned('bob'),
      ),
    );
    expect(chat?.passedAgentIds).toEqual(['ann']);
    expect(chat?.holder?.agentId).toBe('bob');
  });

  it('keeps each agent’s last assignment, which outlives the slot, and not a repeated one', () => {
    const { lastAssignedAtMs } = foldConversation(
      'c1',
      stream(
        started,
        queued('sales'),
        assigned('ann'),
        assigned('ann'),
        autoTransfer('ann', TRANSFER_NOTES.noReply),
        queued('sales'),
        assigned('bob'),
      ),
    );
    expect(lastAssignedAtMs).toEqual({ ann: 1_002_000, bob: 1_006_000 });
  });

  it('forgets a chat whose cycle ended, and starts a new cycle when it is reopened', () => {
    const ended = stream(started, queued('sales'), assigned('ann'), autoTransfer('ann', TRANSFER_NOTES.noReply), {
      type: 'ConversationResolved',
      data: { by: { kind: 'agent', id: 'ann' } },
    });
    expect(foldConversation('c1', ended)).toEqual({ version: 5, chat: null, lastAssignedAtMs: { ann: 1_002_000 } });
    const reopened = stream(
      ...ended.map((stored) => stored.event),
      { type: 'ConversationReopened', data: { by: { kind: 'customer', id: 'cust' } } },
      queued('sales'),
    );
    const { chat } = foldConversation('c1', reopened);
    // A new cycle: queued anew at the reopen's queue time, nobody passed, in the first start's channel.
    expect(chat).toMatchObject({
      groupId: 'sales',
      channel: 'chat',
      holder: null,
      queuedAtMs: 1_006_000,
      queueOrder: 700,
      passedAgentIds: [],
    });
  });

  it('ends the cycle when the chat is missed or closed', () => {
    expect(
      foldConversation(
        'c1',
        stream(started, queued('sales'), { type: 'ConversationMissed', data: { reason: 'left_in_queue' } }),
      ).chat,
    ).toBeNull();
    expect(
      foldConversation(
        'c1',
        stream(started, assigned('ann'), {
          type: 'ConversationClosed',
          data: { by: { kind: 'customer', id: 'cust' } },
        }),
      ).chat,
    ).toBeNull();
  });

  it('ignores what comes before ConversationStarted and a repeated start', () => {
    const { chat } = foldConversation(
      'c1',
      stream(queued('vip'), started, queued('sales'), {
        ...started,
        data: { ...started.data, group_id: 'other' },
      } as FoldedConversationEvent),
    );
    expect(chat).toMatchObject({ groupId: 'sales', queuedAtMs: 1_002_000 });
  });
});
