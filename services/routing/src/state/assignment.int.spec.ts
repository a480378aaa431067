import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { RoutingState } from './routing-state.js';
import {
  addAgents,
  capacityViolations,
  freshOrganization,
  queueChat,
  emptyHistoryRecovery,
} from './routing-test-kit.js';

describe('RoutingState: reserveNext', () => {
  let redis: TestRedis;
  let state: RoutingState;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client, { recovery: emptyHistoryRecovery(redis.client) });
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('gives the chat to the agent with the most free slots, and takes the slot at once', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b', 'c'], { chat: 3 });
    await queueChat(state, org, 'held-1', 1);
    await queueChat(state, org, 'held-2', 2);
    await queueChat(state, org, 'held-3', 3);
    await state.assigned(org, 'held-1', 'a', 4);
    await state.assigned(org, 'held-2', 'a', 5);
    await state.assigned(org, 'held-3', 'b', 6);
    // a: 1 free, b: 2 free, c: 3 free.
    await queueChat(state, org, 'c1', 10);
    expect(await state.reserveNext(org, 'g', 20)).toEqual({ chatId: 'c1', agentId: 'c', queuedAtMs: 10 });
    expect(await state.load(org, 'c')).toEqual({ chat: 1, messaging: 0 });
    expect(await state.chat(org, 'c1')).toMatchObject({ agentId: 'c', reserved: true });
    expect(await state.queue(org, 'g')).toEqual([]);
    // b and c now both have 2 free: c was assigned last (20), b earlier (6).
    await queueChat(state, org, 'c2', 21);
    expect(await state.reserveNext(org, 'g', 22)).toMatchObject({ chatId: 'c2', agentId: 'b' });
  });

  it('breaks ties by the longest time since the last assignment, never-assigned agents first', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b', 'c']);
    await queueChat(state, org, 'x', 1);
    await queueChat(state, org, 'y', 2);
    await state.assigned(org, 'x', 'a', 100);
    await state.assigned(org, 'y', 'c', 50);
    await state.released(org, 'x');
    await state.released(org, 'y');
    await queueChat(state, org, 'c1', 200);
    await queueChat(state, org, 'c2', 201);
    await queueChat(state, org, 'c3', 202);
    expect((await state.reserveNext(org, 'g', 300))?.agentId).toBe('b'); // never assigned
    await state.released(org, 'c1');
    expect((await state.reserveNext(org, 'g', 301))?.agentId).toBe('c'); // last at 50
    await state.released(org, 'c2');
    expect((await state.reserveNext(org, 'g', 302))?.agentId).toBe('a'); // last at 100
  });

  it('rotates agents assigned in the same millisecond instead of always picking the first id', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b', 'c']);
    const picked: string[] = [];
    for (let i = 0; i < 9; i += 1) {
      await queueChat(state, org, `c${i}`, 1);
      const reservation = await state.reserveNext(org, 'g', 1);
      picked.push(reservation!.agentId);
      await state.released(org, reservation!.chatId);
    }
    expect(picked).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('never exceeds an agent’s limit, and returns null when nobody has room', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b'], { chat: 2 });
    for (let i = 0; i < 6; i += 1) await queueChat(state, org, `c${i}`, i);
    const reserved: string[] = [];
    for (;;) {
      const reservation = await state.reserveNext(org, 'g', 100);
      if (!reservation) break;
      reserved.push(reservation.chatId);
      expect(await capacityViolations(state, org, ['a', 'b'])).toEqual([]);
    }
    expect(reserved).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect((await state.queue(org, 'g')).map((entry) => entry.chatId)).toEqual(['c4', 'c5']);
    // A freed slot lets the oldest waiting chat through.
    await state.released(org, 'c1');
    expect(await state.reserveNext(org, 'g', 101)).toMatchObject({ chatId: 'c4' });
  });

  it('counts the messaging channel’s slots apart from the chat channel’s', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a'], { chat: 1, messaging: 2 });
    await queueChat(state, org, 'chat-1', 1);
    await queueChat(state, org, 'chat-2', 2);
    await queueChat(state, org, 'msg-1', 3, { channel: 'messaging' });
    await queueChat(state, org, 'msg-2', 4, { channel: 'messaging' });
    await queueChat(state, org, 'msg-3', 5, { channel: 'messaging' });
    const reserved: string[] = [];
    for (
      let reservation = await state.reserveNext(org, 'g', 10);
      reservation;
      reservation = await state.reserveNext(org, 'g', 10)
    ) {
      reserved.push(reservation.chatId);
    }
    // chat-2 waits for a chat slot but does not block the messaging chats behind it.
    expect(reserved).toEqual(['chat-1', 'msg-1', 'msg-2']);
    expect(await state.load(org, 'a')).toEqual({ chat: 1, messaging: 2 });
    expect((await state.queue(org, 'g')).map((entry) => entry.chatId)).toEqual(['chat-2', 'msg-3']);
    await state.released(org, 'msg-1');
    expect(await state.reserveNext(org, 'g', 11)).toMatchObject({ chatId: 'msg-3' });
  });

  it('never offers a chat again to an agent who let it pass, and skips a chat nobody can take', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b'], { chat: 5 });
    await queueChat(state, org, 'c1', 1);
    await queueChat(state, org, 'c2', 2);
    await state.assigned(org, 'c1', 'a', 3);
    // a let c1 pass (auto-transfer): marked, then back to the queue at its first time.
    expect(await state.markPassed(org, 'c1', 'a')).toBe(true);
    await state.enqueue(org, 'c1', 'g', 5);
    expect((await state.queue(org, 'g')).map((entry) => entry.chatId)).toEqual(['c1', 'c2']);
    expect(await state.reserveNext(org, 'g', 6)).toMatchObject({ chatId: 'c1', agentId: 'b' });
    // b lets it pass too: now nobody may take c1, so c2 behind it goes first.
    await state.markPassed(org, 'c1', 'b');
    await state.enqueue(org, 'c1', 'g', 7);
    expect(await state.reserveNext(org, 'g', 8)).toMatchObject({ chatId: 'c2' });
    expect(await state.reserveNext(org, 'g', 9)).toBeNull();
    expect((await state.queue(org, 'g')).map((entry) => entry.chatId)).toEqual(['c1']);
    // A third agent who never had it can.
    await addAgents(state, org, ['c']);
    expect(await state.reserveNext(org, 'g', 10)).toMatchObject({ chatId: 'c1', agentId: 'c' });
  });

  it('sends a returning customer to the agent who last helped, even when another has more room', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b'], { chat: 3 });
    await queueChat(state, org, 'first', 1, { customerId: 'alice' });
    expect(await state.reserveNext(org, 'g', 2)).toMatchObject({ agentId: 'a' });
    await queueChat(state, org, 'other', 3, { customerId: 'bob' });
    expect(await state.reserveNext(org, 'g', 4)).toMatchObject({ agentId: 'b' });
    await queueChat(state, org, 'other-2', 5, { customerId: 'carol' });
    expect(await state.reserveNext(org, 'g', 6)).toMatchObject({ agentId: 'a' });
    await state.released(org, 'first');
    await state.released(org, 'other');
    // a: 1 chat, b: 0 chats. Alice comes back: a, not b with more room.
    await queueChat(state, org, 'second', 10, { customerId: 'alice' });
    expect(await state.reserveNext(org, 'g', 11)).toMatchObject({ chatId: 'second', agentId: 'a' });
  });

  it('falls back to the usual choice when the returning customer’s agent is full, not accepting or passed', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b'], { chat: 1 });
    await queueChat(state, org, 'first', 1, { customerId: 'alice' });
    await state.assigned(org, 'first', 'a', 2);
    await state.released(org, 'first');

    // Full.
    await queueChat(state, org, 'fill', 3, { customerId: 'bob' });
    await state.assigned(org, 'fill', 'a', 4);
    await queueChat(state, org, 'while-full', 5, { customerId: 'alice' });
    expect(await state.reserveNext(org, 'g', 6)).toMatchObject({ chatId: 'while-full', agentId: 'b' });
    await state.released(org, 'fill');
    await state.released(org, 'while-full');
    // The customer's last agent is now b.
    await queueChat(state, org, 'back-to-b', 7, { customerId: 'alice' });
    expect(await state.reserveNext(org, 'g', 8)).toMatchObject({ agentId: 'b' });
    await state.released(org, 'back-to-b');

    // Not accepting.
    await state.setStatus(org, 'b', 'not_accepting', 9);
    await queueChat(state, org, 'while-away', 10, { customerId: 'alice' });
    expect(await state.reserveNext(org, 'g', 11)).toMatchObject({ agentId: 'a' });
    await state.released(org, 'while-away');

    // Passed: alice's last agent is a again, who lets this chat pass.
    await state.setStatus(org, 'b', 'accepting', 12);
    await queueChat(state, org, 'passed', 13, { customerId: 'alice' });
    await state.markPassed(org, 'passed', 'a');
    expect(await state.reserveNext(org, 'g', 14)).toMatchObject({ agentId: 'b' });
  });

  it('only picks members of the chat’s group', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['sales-1'], { groupIds: ['sales'] });
    await addAgents(state, org, ['support-1'], { groupIds: ['support'] });
    await queueChat(state, org, 'c1', 1, { groupId: 'support' });
    expect(await state.reserveNext(org, 'sales', 2)).toBeNull();
    expect(await state.reserveNext(org, 'support', 2)).toMatchObject({ chatId: 'c1', agentId: 'support-1' });
  });

  it('takes nothing from another organization', async () => {
    const acme = freshOrganization();
    const globex = freshOrganization();
    await addAgents(state, acme, ['a']);
    await queueChat(state, globex, 'c1', 1);
    expect(await state.reserveNext(globex, 'g', 2)).toBeNull();
    expect(await state.reserveNext(acme, 'g', 2)).toBeNull();
    expect(await state.position(globex, 'c1')).toEqual({ groupId: 'g', position: 1 });
  });
});
