import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { RoutingState } from './routing-state.js';
import {
  addAgents,
  availabilityIndexViolations,
  capacityViolations,
  freshOrganization,
  queueChat,
  emptyHistoryRecovery,
} from './routing-test-kit.js';

const CHATS = 1_000;

/** Largest minus smallest assignment count among agents of one capacity. */
function spreadByCapacity(counts: Map<string, number>, capacityOf: (agentId: string) => number): Map<number, number> {
  const byCapacity = new Map<number, number[]>();
  for (const [agentId, count] of counts) {
    const capacity = capacityOf(agentId);
    byCapacity.set(capacity, [...(byCapacity.get(capacity) ?? []), count]);
  }
  return new Map([...byCapacity].map(([capacity, list]) => [capacity, Math.max(...list) - Math.min(...list)]));
}

describe('RoutingState: fairness over 1,000 chats', () => {
  let redis: TestRedis;
  let state: RoutingState;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client, { recovery: emptyHistoryRecovery(redis.client) });
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('spreads chats resolved right after assignment evenly over agents of equal capacity', async () => {
    const org = freshOrganization();
    const agents = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    await addAgents(state, org, agents, { chat: 3 });
    const counts = new Map(agents.map((agentId) => [agentId, 0]));
    let now = 1_000;
    for (let i = 0; i < CHATS; i += 1) {
      now += 1 + (i % 3); // several in one millisecond would do too (the sequence breaks ties)
      await queueChat(state, org, `c${i}`, now);
      const reservation = await state.reserveNext(org, 'g', now);
      expect(reservation?.chatId).toBe(`c${i}`);
      counts.set(reservation!.agentId, counts.get(reservation!.agentId)! + 1);
      expect(await capacityViolations(state, org, agents)).toEqual([]);
      await state.released(org, reservation!.chatId);
      if (i % 50 === 0) expect(await availabilityIndexViolations(redis.client, state, org, agents, ['g'])).toEqual([]);
    }
    expect(spreadByCapacity(counts, () => 3).get(3)).toBeLessThanOrEqual(1);
    expect([...counts.values()].reduce((sum, count) => sum + count, 0)).toBe(CHATS);
  });

  it('spreads chats kept until every agent is full evenly over agents of the same capacity', async () => {
    const org = freshOrganization();
    const capacity: Record<string, number> = { s1: 3, s2: 3, s3: 3, s4: 3, l1: 5, l2: 5 };
    const agents = Object.keys(capacity);
    for (const agentId of agents) await addAgents(state, org, [agentId], { chat: capacity[agentId]! });
    const counts = new Map(agents.map((agentId) => [agentId, 0]));
    const held: string[] = [];
    let now = 1_000;
    for (let i = 0; i < CHATS; i += 1) {
      now += 1;
      await queueChat(state, org, `c${i}`, now);
      let reservation = await state.reserveNext(org, 'g', now);
      if (!reservation) {
        // Everyone is full: resolve every chat held, then the queued one goes through.
        expect(held).toHaveLength(22);
        for (const chatId of held.splice(0)) await state.released(org, chatId);
        reservation = await state.reserveNext(org, 'g', now);
      }
      expect(reservation?.chatId).toBe(`c${i}`);
      held.push(reservation!.chatId);
      counts.set(reservation!.agentId, counts.get(reservation!.agentId)! + 1);
      expect(await capacityViolations(state, org, agents)).toEqual([]);
      if (i % 50 === 0) expect(await availabilityIndexViolations(redis.client, state, org, agents, ['g'])).toEqual([]);
    }
    const spread = spreadByCapacity(counts, (agentId) => capacity[agentId]!);
    expect(spread.get(3)).toBeLessThanOrEqual(1);
    expect(spread.get(5)).toBeLessThanOrEqual(1);
    // Full rounds fill every slot: the larger agents take 5 of every 22.
    expect(counts.get('l1')).toBeGreaterThan(counts.get('s1')!);
  });
});
