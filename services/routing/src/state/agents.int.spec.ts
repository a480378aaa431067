import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { RoutingState } from './routing-state.js';
import {
  addAgents,
  availabilityIndexViolations,
  freshOrganization,
  queueChat,
  emptyHistoryRecovery,
} from './routing-test-kit.js';

describe('RoutingState: agents', () => {
  let redis: TestRedis;
  let state: RoutingState;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client, { recovery: emptyHistoryRecovery(redis.client) });
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('reports an unknown agent as offline, and each change from the status before it', async () => {
    const org = freshOrganization();
    expect(await state.status(org, 'a')).toBe('offline');
    expect(await state.agent(org, 'a')).toBeNull();
    expect(await state.setStatus(org, 'a', 'accepting', 1_000)).toEqual({ from: 'offline', to: 'accepting' });
    expect(await state.setStatus(org, 'a', 'not_accepting', 2_000)).toEqual({ from: 'accepting', to: 'not_accepting' });
    expect(await state.setStatus(org, 'a', 'not_accepting', 3_000)).toEqual({
      from: 'not_accepting',
      to: 'not_accepting',
    });
    expect(await state.status(org, 'a')).toBe('not_accepting');
  });

  it('gives concurrent status changes of one agent a consistent chain (each from is the to before it)', async () => {
    const org = freshOrganization();
    const statuses = [
      'accepting',
      'not_accepting',
      'offline',
      'accepting',
      'not_accepting',
      'offline',
      'accepting',
    ] as const;
    const changes = await Promise.all(statuses.map((status, i) => state.setStatus(org, 'a', status, i)));
    // Redis ran them in some order; following from → to from `offline` must visit each once.
    const remaining = [...changes];
    let current = 'offline';
    while (remaining.length > 0) {
      const next = remaining.findIndex((change) => change.from === current);
      expect(next).toBeGreaterThanOrEqual(0);
      current = remaining[next]!.to;
      remaining.splice(next, 1);
    }
    expect(await state.status(org, 'a')).toBe(current);
  });

  it('keeps group members and accepting members in step with upserts and status', async () => {
    const org = freshOrganization();
    await state.upsertAgent(org, { agentId: 'a', groupIds: ['sales', 'support'], maxChats: { chat: 3, messaging: 8 } });
    expect(await state.status(org, 'a')).toBe('offline');
    expect(await state.groupAgents(org, 'sales')).toEqual(['a']);
    expect(await state.hasAcceptingAgent(org, 'sales')).toBe(false);

    await state.setStatus(org, 'a', 'accepting', 1);
    expect(await state.hasAcceptingAgent(org, 'sales')).toBe(true);
    expect(await state.hasAcceptingAgent(org, 'support')).toBe(true);

    // Leaving a group while accepting: no longer a member nor accepting there.
    await state.upsertAgent(org, {
      agentId: 'a',
      groupIds: ['support', 'billing'],
      maxChats: { chat: 2, messaging: 5 },
    });
    expect(await state.groupAgents(org, 'sales')).toEqual([]);
    expect(await state.hasAcceptingAgent(org, 'sales')).toBe(false);
    expect(await state.hasAcceptingAgent(org, 'billing')).toBe(true);
    expect(await state.agent(org, 'a')).toEqual({
      agentId: 'a',
      status: 'accepting',
      groupIds: ['billing', 'support'],
      maxChats: { chat: 2, messaging: 5 },
      load: { chat: 0, messaging: 0 },
      lastAssignedAtMs: null,
    });

    expect(await availabilityIndexViolations(redis.client, state, org, ['a'], ['sales', 'support', 'billing'])).toEqual(
      [],
    );

    await state.setStatus(org, 'a', 'offline', 2);
    expect(await state.hasAcceptingAgent(org, 'support')).toBe(false);
    expect(await state.groupAgents(org, 'support')).toEqual(['a']);
    expect(await availabilityIndexViolations(redis.client, state, org, ['a'], ['sales', 'support', 'billing'])).toEqual(
      [],
    );
  });

  it('files an agent as available only while it is accepting with room, following limit changes', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b'], { chat: 2, messaging: 1 });
    await queueChat(state, org, 'c1', 1);
    await queueChat(state, org, 'c2', 2);
    await queueChat(state, org, 'm1', 3, { channel: 'messaging' });
    await state.assigned(org, 'c1', 'a', 10);
    await state.assigned(org, 'c2', 'a', 11);
    await state.assigned(org, 'm1', 'b', 12);
    const check = async (): Promise<void> => {
      expect(await availabilityIndexViolations(redis.client, state, org, ['a', 'b'], ['g', 'h'])).toEqual([]);
    };
    await check();
    // Lower a's limit below its load, then raise it; move b to another group; b goes not accepting.
    await state.upsertAgent(org, { agentId: 'a', groupIds: ['g'], maxChats: { chat: 1, messaging: 1 } });
    await check();
    await queueChat(state, org, 'c3', 13);
    expect(await state.reserveNext(org, 'g', 14)).toMatchObject({ agentId: 'b' });
    await state.upsertAgent(org, { agentId: 'a', groupIds: ['g'], maxChats: { chat: 4, messaging: 1 } });
    await check();
    await state.upsertAgent(org, { agentId: 'b', groupIds: ['h'], maxChats: { chat: 2, messaging: 1 } });
    await check();
    await state.setStatus(org, 'b', 'not_accepting', 15);
    await check();
    await state.released(org, 'c1');
    await state.released(org, 'm1');
    await check();
  });

  it('reports a raised limit (the queue is then served again), not a lowered or unchanged one, nor a first one', async () => {
    const org = freshOrganization();
    const upsert = (chat: number, messaging: number, groupIds = ['g']) =>
      state.upsertAgent(org, { agentId: 'a', groupIds, maxChats: { chat, messaging } });
    expect(await upsert(2, 8)).toEqual({ joinedGroups: 1, raisedLimit: false });
    expect(await upsert(2, 8)).toEqual({ joinedGroups: 0, raisedLimit: false });
    expect(await upsert(1, 8)).toEqual({ joinedGroups: 0, raisedLimit: false });
    expect(await upsert(3, 8)).toEqual({ joinedGroups: 0, raisedLimit: true });
    expect(await upsert(3, 9)).toEqual({ joinedGroups: 0, raisedLimit: true });
    expect(await upsert(3, 9, ['g', 'h'])).toEqual({ joinedGroups: 1, raisedLimit: false });
    expect((await state.agent(org, 'a'))?.maxChats).toEqual({ chat: 3, messaging: 9 });
  });

  it('counts an accepting agent with no free slot as accepting (the customer waits, no leave_message)', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a'], { chat: 1 });
    await queueChat(state, org, 'c1', 1);
    expect(await state.reserveNext(org, 'g', 2)).toMatchObject({ chatId: 'c1', agentId: 'a' });
    expect(await state.hasAcceptingAgent(org, 'g')).toBe(true);
  });

  it('lets a not_accepting agent keep its chats, gives it no new one, and lists them for going offline', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b']);
    await queueChat(state, org, 'c1', 1);
    await queueChat(state, org, 'c2', 2);
    await state.assigned(org, 'c1', 'a', 10);
    await state.setStatus(org, 'a', 'not_accepting', 11);
    expect(await state.reserveNext(org, 'g', 12)).toMatchObject({ chatId: 'c2', agentId: 'b' });

    await queueChat(state, org, 'c3', 13);
    await state.setStatus(org, 'b', 'not_accepting', 14);
    expect(await state.reserveNext(org, 'g', 15)).toBeNull();
    expect(await state.agentChats(org, 'a')).toEqual(['c1']);
    expect(await state.load(org, 'a')).toEqual({ chat: 1, messaging: 0 });

    // Offline with open chats: the caller re-queues each; the slot is freed and the chat keeps its place.
    await state.setStatus(org, 'a', 'offline', 16);
    expect(await state.agentChats(org, 'a')).toEqual(['c1']);
    expect(await state.enqueue(org, 'c1', 'g', 16)).toEqual({ outcome: 'queued', position: 1, queuedAtMs: 1 });
    expect(await state.load(org, 'a')).toEqual({ chat: 0, messaging: 0 });
    expect(await state.agentChats(org, 'a')).toEqual([]);
  });

  it('keeps every key of an organization under its base key and hash tag, behind the client prefix', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b']);
    await queueChat(state, org, 'c1', 1);
    await queueChat(state, org, 'c2', 2, { customerId: 'cust' });
    await state.reserveNext(org, 'g', 3);
    await state.markPassed(org, 'c2', 'a');
    await state.reserveNext(org, 'g', 4);
    await state.released(org, 'c1');

    const raw = new Redis(redis.url);
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await raw.scan(cursor, 'MATCH', `*{${org}}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      expect(keys.length).toBeGreaterThan(10);
      for (const key of keys) expect(key.startsWith(`${redis.keyPrefix}routing:{${org}}:`)).toBe(true);
    } finally {
      raw.disconnect();
    }
  });

  it('runs its scripts again after the server forgot them (restart, failover, SCRIPT FLUSH)', async () => {
    const org = freshOrganization();
    await state.setStatus(org, 'a', 'accepting', 1);
    await redis.client.script('FLUSH');
    expect(await state.setStatus(org, 'a', 'offline', 2)).toEqual({ from: 'accepting', to: 'offline' });
  });

  it('refuses ids that would corrupt the state', async () => {
    await expect(state.setStatus('org', '', 'accepting', 1)).rejects.toThrow(RangeError);
    await expect(state.setStatus('o{rg', 'a', 'accepting', 1)).rejects.toThrow(RangeError);
    await expect(state.setStatus('org', 'a', 'accepting', 1.5)).rejects.toThrow(RangeError);
    await expect(state.setStatus('org', 'a', 'busy' as never, 1)).rejects.toThrow();
  });
});
