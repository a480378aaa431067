import { describe, expect, it } from '@jest/globals';
import { ChatSummary, DomainError } from '@livedesk/contracts';
import { forAudience, toChatSummary } from './chat-summary.js';
import { evolve, initialState, type ConversationState } from './conversation-state.js';
import {
  abandonedChat,
  activeChat,
  alice,
  aliceAuthor,
  answeredChat,
  assigned,
  bob,
  chatId,
  customer,
  customerAuthor,
  groupId,
  otherGroupId,
  posted,
  queued,
  reopened,
  resolved,
  resolvedChat,
  seen,
  started,
  tagged,
  untagged,
  transferredToAgent,
  transferredToGroup,
} from './testing/fixtures.js';
import { stateOf, stored, t0 } from './testing/given-when-then.js';

const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('evolve', () => {
  it('starts from no conversation at version 0', () => {
    expect(initialState).toEqual({ status: 'none', version: 0 });
  });

  it('queues a started chat with its customer, group, channel and page', () => {
    const page = { url: 'https://shop.example/', title: 'Shop' };
    expect(stateOf([started(page)])).toMatchObject({
      status: 'queued',
      version: 1,
      chatId,
      customerId: customer.id,
      groupId,
      channel: 'chat',
      page,
      assignedAgentId: null,
      agentIds: [],
      rating: null,
      tags: [],
      startedAt: t0,
      updatedAt: t0,
    });
  });

  it('tracks the version and time of the last event', () => {
    const state = stateOf(answeredChat);
    expect(state).toMatchObject({ status: 'active', version: 5, startedAt: t0, updatedAt: at(4) });
  });

  it('indexes messages by id and by author + client id', () => {
    const state = stateOf([...activeChat, posted('m2', aliceAuthor, 'c-1'), posted('m3', customerAuthor, 'c-1')]);
    if (state.status === 'none') throw new Error('expected a started chat');
    expect(state.messages.get('m2')).toEqual({ version: 5, author: aliceAuthor });
    expect([...state.clientIds.values()]).toEqual([
      { messageId: 'm2', version: 5 },
      { messageId: 'm3', version: 6 },
    ]);
  });

  it("moves an author's seen mark forward only", () => {
    const state = stateOf([
      ...answeredChat,
      seen(customerAuthor, 'm2'),
      seen(customerAuthor, 'm1'),
      seen(customerAuthor, 'm404'),
    ]);
    if (state.status === 'none') throw new Error('expected a started chat');
    expect([...state.lastSeen.values()]).toEqual([5]);
  });

  it('lists every agent once, in order of first assignment, through transfers', () => {
    const state = stateOf([
      ...activeChat,
      transferredToAgent(bob.id, alice.id),
      assigned(bob.id, 'agent'),
      transferredToGroup(otherGroupId, bob.id),
      queued(otherGroupId),
      assigned(alice.id),
    ]);
    expect(state).toMatchObject({
      status: 'active',
      groupId: otherGroupId,
      assignedAgentId: alice.id,
      agentIds: [alice.id, bob.id],
    });
  });

  it('frees the assignment when the cycle ends but remembers the last agent', () => {
    expect(stateOf(resolvedChat)).toMatchObject({ status: 'resolved', assignedAgentId: null, lastAgentId: alice.id });
  });

  it('queues a reopened chat as a new cycle', () => {
    const state = stateOf([...resolvedChat, reopened(), posted('m3'), queued()]);
    expect(state).toMatchObject({ status: 'queued', assignedAgentId: null, agentIds: [alice.id], version: 9 });
  });

  it('ends a chat the customer left in the queue as closed', () => {
    expect(stateOf(abandonedChat)).toMatchObject({ status: 'closed', agentIds: [] });
  });

  it('keeps the last rating and each tag once', () => {
    const state = stateOf([
      ...resolvedChat,
      { type: 'ConversationRated', data: { score: 2, comment: 'slow' } },
      { type: 'ConversationRated', data: { score: 4 } },
      tagged('vip'),
      tagged('vip'),
    ]);
    expect(state).toMatchObject({ rating: { score: 4 }, tags: ['vip'] });
  });

  it('never mutates the state it is given', () => {
    const history = [
      ...answeredChat,
      seen(customerAuthor, 'm2'),
      tagged('vip'),
      resolved(),
      reopened(),
      posted('m3', customerAuthor, 'c-3'),
      queued(),
    ];
    const states: ConversationState[] = [];
    let state: ConversationState = initialState;
    for (const event of stored(history)) {
      states.push(state);
      state = evolve(state, event);
    }
    const snapshots = states.map((s) => structuredClone(s));
    for (const event of stored(history)) for (const s of states) evolve(s, event);
    expect(states).toEqual(snapshots);
  });

  it('skips what a corrupt stream holds before its ConversationStarted, and a second one', () => {
    expect(stateOf([posted('m1'), queued()])).toEqual(initialState);
    const state = stateOf([
      ...activeChat,
      {
        type: 'ConversationStarted',
        data: { conversation_id: 'x', channel: 'messaging', group_id: 'g', customer_id: 'c' },
      },
    ]);
    expect(state).toMatchObject({ chatId, status: 'active', version: 5 });
  });
});

describe('toChatSummary', () => {
  it('shows an active chat as the contracts describe it', () => {
    const page = { url: 'https://shop.example/' };
    const summary = toChatSummary(stateOf([started(page), posted('m1'), queued(), assigned(alice.id)]));
    expect(summary).toStrictEqual({
      chat_id: chatId,
      customer_id: customer.id,
      group_id: groupId,
      channel: 'chat',
      status: 'active',
      assigned_agent_id: alice.id,
      agent_ids: [alice.id],
      page,
      tags: [],
      started_at: '2026-03-02T09:00:00.000Z',
      updated_at: '2026-03-02T09:00:03.000Z',
      version: 4,
    });
    expect(ChatSummary.parse(summary)).toStrictEqual(summary);
  });

  it("holds the chat's tags for agents in the order they were added, without those taken off, and none for the customer", () => {
    const summary = toChatSummary(
      stateOf([...activeChat, tagged('vip'), tagged('refund'), untagged('vip'), tagged('late')]),
    );
    expect(summary.tags).toEqual(['refund', 'late']);
    expect(forAudience(summary, alice).tags).toEqual(['refund', 'late']);
    expect(forAudience(summary, customer)).not.toHaveProperty('tags');
    expect(forAudience(summary, customer)).toEqual({ ...summary, tags: undefined });
    expect(ChatSummary.parse(forAudience(summary, customer))).toStrictEqual(forAudience(summary, customer));
  });

  it('leaves out a page that was not given', () => {
    const summary = toChatSummary(stateOf(resolvedChat));
    expect(summary).not.toHaveProperty('page');
    expect(summary).toMatchObject({ status: 'resolved', assigned_agent_id: null, agent_ids: [alice.id] });
    expect(ChatSummary.parse(summary)).toStrictEqual(summary);
  });

  it('refuses a chat that does not exist as chat_not_found', () => {
    expect(() => toChatSummary(initialState)).toThrow(DomainError);
    expect(() => toChatSummary(initialState)).toThrow(
      expect.objectContaining({ code: 'not_found', reason: 'chat_not_found' }),
    );
  });
});
