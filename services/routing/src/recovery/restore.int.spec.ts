import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { TRANSFER_NOTES } from '../dispatch/transfer-notes.js';
import { RoutingRestore } from '../state/routing-restore.js';
import { RoutingState } from '../state/routing-state.js';
import {
  addAgents,
  availabilityIndexViolations,
  capacityViolations,
  emptyHistoryRecovery,
  freshOrganization,
} from '../state/routing-test-kit.js';
import { foldConversation, type FoldedConversationEvent, type StoredConversationEvent } from './fold-conversation.js';
import { planRestore, restoreParts } from './plan-restore.js';

type Step = { chatId: string; atMs: number; event: FoldedConversationEvent };

const started = (chatId: string, atMs: number): Step => ({
  chatId,
  atMs,
  event: {
    type: 'ConversationStarted',
    data: { conversation_id: chatId, channel: 'chat', group_id: 'g', customer_id: `cust-${chatId}` },
  },
});
const queued = (chatId: string, atMs: number): Step => ({
  chatId,
  atMs,
  event: { type: 'ConversationQueued', data: { group_id: 'g' } },
});
const assigned = (chatId: string, atMs: number, agentId: string): Step => ({
  chatId,
  atMs,
  event: { type: 'AgentAssigned', data: { agent_id: agentId, agent_kind: 'human', by: 'routing' } },
});
const passedOn = (chatId: string, atMs: number, agentId: string): Step => ({
  chatId,
  atMs,
  event: {
    type: 'ConversationTransferred',
    data: { from_agent_id: agentId, to_group_id: 'g', reason: 'auto', note: TRANSFER_NOTES.noReply },
  },
});
const resolved = (chatId: string, atMs: number): Step => ({
  chatId,
  atMs,
  event: { type: 'ConversationResolved', data: { by: { kind: 'agent', id: 'a' } } },
});

// The history of one organization, in commit order. c2 and c3 are queued in the same millisecond;
// b let c4 pass; c5 ended.
const history: Step[] = [
  started('c5', 10),
  queued('c5', 10),
  assigned('c5', 60, 'a'),
  resolved('c5', 70),
  started('c1', 100),
  queued('c1', 100),
  assigned('c1', 200, 'a'),
  started('c2', 150),
  queued('c2', 150),
  started('c3', 150),
  queued('c3', 150),
  started('c4', 300),
  queued('c4', 300),
  assigned('c4', 400, 'b'),
  passedOn('c4', 500, 'b'),
  queued('c4', 500),
];

/** What the live event handler does with each step (routing-event-handler.ts, timer-actions.ts). */
async function applyLive(state: RoutingState, org: string, step: Step): Promise<void> {
  const { chatId, atMs, event } = step;
  switch (event.type) {
    case 'ConversationStarted':
      await state.chatStarted(org, {
        chatId,
        groupId: event.data.group_id,
        channel: event.data.channel,
        customerId: event.data.customer_id,
      });
      return;
    case 'ConversationQueued':
      await state.enqueue(org, chatId, event.data.group_id, atMs);
      return;
    case 'AgentAssigned':
      await state.assigned(org, chatId, event.data.agent_id, atMs);
      return;
    case 'ConversationTransferred':
      await state.markPassed(org, chatId, event.data.from_agent_id!);
      return;
    case 'ConversationResolved':
      await state.released(org, chatId);
      return;
    default:
      throw new Error(`not in this history: ${event.type}`);
  }
}

describe('restore: a state rebuilt from the streams decides as the live one does', () => {
  let redis: TestRedis;
  let state: RoutingState;
  let restore: RoutingRestore;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client);
    restore = new RoutingRestore(redis.client);
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  async function view(org: string) {
    return {
      queue: (await state.queue(org, 'g')).map(({ chatId, queuedAtMs, position }) => ({
        chatId,
        queuedAtMs,
        position,
      })),
      chats: await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5'].map((chatId) => state.chat(org, chatId))),
      agents: await Promise.all(['a', 'b'].map((agentId) => state.agent(org, agentId))),
      chatsOfA: await state.agentChats(org, 'a'),
    };
  }

  it('holds the same chats, queue, slots and passes, and makes the same decisions', async () => {
    const live = freshOrganization();
    await emptyHistoryRecovery(redis.client).recover(live);
    await addAgents(state, live, ['a', 'b'], { chat: 2 });
    for (const step of history) await applyLive(state, live, step);

    const rebuilt = freshOrganization();
    const byChat = new Map<string, StoredConversationEvent[]>();
    history.forEach((step, i) => {
      const events = byChat.get(step.chatId) ?? [];
      events.push({
        event: step.event,
        streamVersion: events.length + 1,
        globalPosition: i + 1,
        occurredAtMs: step.atMs,
      });
      byChat.set(step.chatId, events);
    });
    const folds = new Map(
      [...byChat].map(([chatId, events]) => [`conversation-${chatId}`, foldConversation(chatId, events)]),
    );
    const plan = planRestore(
      folds,
      ['a', 'b'].map((agentId) => ({
        agentId,
        status: 'accepting' as const,
        statusChangedAtMs: 0,
        chosen: 'accepting' as const,
      })),
      { organizationId: rebuilt, nowMs: 1000, autoTransferMs: 120_000, presenceWaitMs: 60_000, abandonMs: 60_000 },
    );
    for (const part of restoreParts(plan)) expect(await restore.restore(rebuilt, part)).toBe(true);
    await restore.seal(rebuilt, { rebuilt_at_ms: 1000, by: 'test', chats: plan.chats.length, agents: 2 });
    // The agents' groups and limits come back with the gateways' presence reports.
    for (const agentId of ['a', 'b'])
      await state.upsertAgent(rebuilt, { agentId, groupIds: ['g'], maxChats: { chat: 2, messaging: 8 } });

    const expected = await view(live);
    expect(expected.queue.map((entry) => entry.chatId)).toEqual(['c2', 'c3', 'c4']);
    expect(await view(rebuilt)).toEqual(expected);
    expect(await capacityViolations(state, rebuilt, ['a', 'b'])).toEqual([]);
    expect(await availabilityIndexViolations(redis.client, state, rebuilt, ['a', 'b'], ['g'])).toEqual([]);

    const decisions = async (org: string) => {
      const made = [];
      for (
        let reservation = await state.reserveNext(org, 'g', 2000);
        reservation;
        reservation = await state.reserveNext(org, 'g', 2000)
      ) {
        made.push([reservation.chatId, reservation.agentId]);
      }
      return made;
    };
    const liveDecisions = await decisions(live);
    // b let c4 pass: only a may take it, and a has one slot left after c2 goes to b.
    expect(liveDecisions).toEqual([
      ['c2', 'b'],
      ['c3', 'a'],
    ]);
    expect(await decisions(rebuilt)).toEqual(liveDecisions);
  });

  it('writes nothing for a stream applied since it was read, and refuses the live scripts until sealed', async () => {
    const org = freshOrganization();
    await redis.client.set(`routing:{${org}}:applied:conversation-c1`, '3');
    const fold = foldConversation('c1', [
      { event: started('c1', 1).event, streamVersion: 1, globalPosition: 1, occurredAtMs: 1 },
      { event: queued('c1', 1).event, streamVersion: 2, globalPosition: 2, occurredAtMs: 1 },
    ]);
    const plan = planRestore(new Map([['conversation-c1', fold]]), [], {
      organizationId: org,
      nowMs: 0,
      autoTransferMs: 1,
      presenceWaitMs: 1,
      abandonMs: 1,
    });
    expect(await restore.restore(org, { chats: plan.chats, positions: plan.positions })).toBe(false);
    expect(await redis.client.get(`routing:{${org}}:applied:conversation-c1`)).toBe('3');
    expect(await redis.client.exists(`routing:{${org}}:chat:c1`)).toBe(0);

    await expect(state.queue(org, 'g')).rejects.toThrow('gone from Redis');
    await restore.seal(org, { rebuilt_at_ms: 0, by: 'test', chats: 0, agents: 0 });
    expect(await state.queue(org, 'g')).toEqual([]);
  });

  it('clears what is left of a damaged state, but not the rebuild lock', async () => {
    const org = freshOrganization();
    await emptyHistoryRecovery(redis.client).recover(org);
    await addAgents(state, org, ['a']);
    expect(await restore.acquireLock(org, 'me', 10_000)).toBe(true);
    expect(await restore.acquireLock(org, 'other', 10_000)).toBe(false);
    expect(await restore.clear(org)).toBeGreaterThan(3);
    expect(await restore.hasEpoch(org)).toBe(false);
    expect(await redis.client.keys(`*{${org}}*`)).toEqual([`${redis.keyPrefix}routing:{${org}}:rebuild-lock`]);
    await restore.releaseLock(org, 'other');
    expect(await restore.acquireLock(org, 'other', 10_000)).toBe(false);
    await restore.releaseLock(org, 'me');
    expect(await restore.acquireLock(org, 'other', 10_000)).toBe(true);
  });
});
