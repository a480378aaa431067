import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { RoutingState } from './routing-state.js';
import { addAgents, freshOrganization, queueChat, emptyHistoryRecovery } from './routing-test-kit.js';

const MINUTE = 60_000;
/** Noon UTC on some day, so that "today" has room on both sides. */
const NOON = Date.UTC(2026, 10, 24, 12);

describe('RoutingState: queue', () => {
  let redis: TestRedis;
  let state: RoutingState;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client, { queueTargetSeconds: 45, recovery: emptyHistoryRecovery(redis.client) });
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('orders the queue by queued time, keeps arrival order within one millisecond, and gives 1-based positions', async () => {
    const org = freshOrganization();
    await queueChat(state, org, 'late', 300, { customerId: 'u-late' });
    await queueChat(state, org, 'early', 100, { customerId: 'u-early' });
    await queueChat(state, org, 'same-z', 200);
    await queueChat(state, org, 'same-a', 200);
    expect(await state.queue(org, 'g', 299 + 45_000)).toEqual([
      { chatId: 'early', customerId: 'u-early', position: 1, queuedAtMs: 100, pastTarget: true },
      { chatId: 'same-z', customerId: 'customer-of-same-z', position: 2, queuedAtMs: 200, pastTarget: true },
      { chatId: 'same-a', customerId: 'customer-of-same-a', position: 3, queuedAtMs: 200, pastTarget: true },
      { chatId: 'late', customerId: 'u-late', position: 4, queuedAtMs: 300, pastTarget: false },
    ]);
    expect(await state.position(org, 'same-a')).toEqual({ groupId: 'g', position: 3 });
    expect(await state.position(org, 'unknown')).toBeNull();
    expect((await state.queue(org, 'g')).every((entry) => !entry.pastTarget)).toBe(true);
  });

  it('counts per group the accepting members, full or not, and the chats queued, not those reserved', async () => {
    const org = freshOrganization();
    expect(await state.groupCounts(org, 'g')).toEqual({ agents_accepting: 0, chats_queued: 0 });
    await addAgents(state, org, ['a'], { chat: 1 });
    await addAgents(state, org, ['b'], { status: 'not_accepting' });
    await addAgents(state, org, ['c'], { groupIds: ['other'] });
    await queueChat(state, org, 'c1', 1_000);
    await queueChat(state, org, 'c2', 2_000);
    await queueChat(state, org, 'c3', 3_000, { groupId: 'other' });
    expect(await state.groupCounts(org, 'g')).toEqual({ agents_accepting: 1, chats_queued: 2 });
    // a takes c1 and is full: still accepting, one chat left in the queue.
    expect(await state.reserveNext(org, 'g', 4_000)).toMatchObject({ chatId: 'c1', agentId: 'a' });
    expect(await state.groupCounts(org, 'g')).toEqual({ agents_accepting: 1, chats_queued: 1 });
    expect(await state.groupCounts(org, 'other')).toEqual({ agents_accepting: 1, chats_queued: 1 });
  });

  it('is idempotent: queueing a queued chat again changes nothing', async () => {
    const org = freshOrganization();
    await queueChat(state, org, 'a', 1);
    await queueChat(state, org, 'b', 2);
    expect(await state.enqueue(org, 'a', 'g', 50)).toEqual({ outcome: 'queued', position: 1, queuedAtMs: 1 });
    expect(await state.enqueue(org, 'b', 'g', 2)).toEqual({ outcome: 'queued', position: 2, queuedAtMs: 2 });
    expect((await state.queue(org, 'g')).map((entry) => entry.chatId)).toEqual(['a', 'b']);
  });

  it('serves oldest first, and a chat re-queued after a transfer keeps its first queued time and its place', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a'], { chat: 1 });
    await queueChat(state, org, 'c1', 1_000);
    await queueChat(state, org, 'c2', 2_000);
    expect(await state.reserveNext(org, 'g', 3_000)).toMatchObject({ chatId: 'c1' });
    await queueChat(state, org, 'c3', 4_000);
    // c1 comes back (transfer to the group) after c2 and c3 arrived: it goes before them.
    expect(await state.enqueue(org, 'c1', 'g', 5_000)).toEqual({ outcome: 'queued', position: 1, queuedAtMs: 1_000 });
    expect(await state.load(org, 'a')).toEqual({ chat: 0, messaging: 0 });
    expect((await state.queue(org, 'g')).map((entry) => [entry.chatId, entry.position])).toEqual([
      ['c1', 1],
      ['c2', 2],
      ['c3', 3],
    ]);
    expect(await state.reserveNext(org, 'g', 6_000)).toMatchObject({ chatId: 'c1', queuedAtMs: 1_000 });
  });

  it('moves a chat between group queues, never leaving it in two', async () => {
    const org = freshOrganization();
    await queueChat(state, org, 'c1', 1, { groupId: 'sales' });
    await queueChat(state, org, 'c2', 2, { groupId: 'support' });
    expect(await state.enqueue(org, 'c1', 'support', 3)).toEqual({ outcome: 'queued', position: 1, queuedAtMs: 1 });
    expect(await state.queue(org, 'sales')).toEqual([]);
    expect((await state.queue(org, 'support')).map((entry) => entry.chatId)).toEqual(['c1', 'c2']);
    expect(await state.position(org, 'c1')).toEqual({ groupId: 'support', position: 1 });
    expect(await state.chat(org, 'c1')).toMatchObject({ groupId: 'support', queuedAtMs: 1 });
  });

  it('ignores queueing a chat it never saw start', async () => {
    const org = freshOrganization();
    expect(await state.enqueue(org, 'ghost', 'g', 1)).toEqual({ outcome: 'ignored', reason: 'unknown_chat' });
    expect(await state.queue(org, 'g')).toEqual([]);
  });

  it('estimates nothing before anything is known', async () => {
    const org = freshOrganization();
    expect(await state.estimatedWaitSeconds(org, 'g', 1, NOON)).toBeNull();
  });

  it('estimates from the median queue time of the day while fewer than 10 chats drained in 15 minutes', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a'], { chat: 100 });
    // Waits of 10 s, 20 s, 60 s and 90 s: median 40 s.
    const waits = [10, 60, 20, 90];
    for (const [i, wait] of waits.entries()) {
      const assignedAt = NOON - 60 * MINUTE + i * MINUTE;
      await queueChat(state, org, `c${i}`, assignedAt - wait * 1000);
      await state.assigned(org, `c${i}`, 'a', assignedAt);
    }
    expect(await state.estimatedWaitSeconds(org, 'g', 1, NOON)).toBe(40);
    expect(await state.estimatedWaitSeconds(org, 'g', 5, NOON)).toBe(40);
    // A re-queued chat's second wait is not a new sample (queue_seconds runs to the first assignment).
    await state.enqueue(org, 'c0', 'g', NOON);
    await state.assigned(org, 'c0', 'a', NOON + 1_000_000);
    expect(await state.estimatedWaitSeconds(org, 'g', 1, NOON)).toBe(40);
    // Yesterday's waits are not today's: the next UTC day knows nothing yet.
    expect(await state.estimatedWaitSeconds(org, 'g', 1, NOON + 24 * 60 * MINUTE)).toBeNull();
  });

  it('estimates from the drain rate of the last 15 minutes once 10 chats drained', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a'], { chat: 100 });
    // 12 chats assigned out of the queue in the 15 minutes before NOON (plus older ones that do not count).
    for (let i = 0; i < 15; i += 1) {
      const at = i < 3 ? NOON - 30 * MINUTE - i * MINUTE : NOON - i * MINUTE;
      await queueChat(state, org, `c${i}`, at - 5_000);
      if (i % 2 === 0) await state.assigned(org, `c${i}`, 'a', at);
      else expect(await state.reserveNext(org, 'g', at)).toMatchObject({ chatId: `c${i}` });
    }
    // 12 per 900 s: one every 75 s.
    expect(await state.estimatedWaitSeconds(org, 'g', 1, NOON)).toBe(75);
    expect(await state.estimatedWaitSeconds(org, 'g', 3, NOON)).toBe(225);
    // Two minutes later, two of them left the window: 10 per 900 s, still a rate.
    expect(await state.estimatedWaitSeconds(org, 'g', 1, NOON + 2 * MINUTE)).toBe(90);
    // Three minutes later, 9: back to the median of the day's waits (5 s each).
    expect(await state.estimatedWaitSeconds(org, 'g', 1, NOON + 3 * MINUTE)).toBe(5);
  });

  it('counts only assignments out of the queue as drain, and keeps the drain log bounded to 15 minutes', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a'], { chat: 1_000 });
    // Direct assignments of chats that were never queued drain nothing.
    for (let i = 0; i < 20; i += 1) {
      await state.chatStarted(org, { chatId: `direct-${i}`, groupId: 'g', channel: 'chat', customerId: `u${i}` });
      await state.assigned(org, `direct-${i}`, 'a', NOON);
    }
    expect(await state.estimatedWaitSeconds(org, 'g', 1, NOON)).toBeNull();
    // An hour of queued assignments, one a minute: only the last 15 minutes' stay in the log.
    for (let i = 0; i < 60; i += 1) {
      await queueChat(state, org, `q-${i}`, NOON + i * MINUTE - 1_000);
      await state.assigned(org, `q-${i}`, 'a', NOON + i * MINUTE);
    }
    const drainedKey = `routing:{${org}}:drained:g`;
    expect(await redis.client.zcard(drainedKey)).toBe(16);
  });
});
