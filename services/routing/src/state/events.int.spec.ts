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

describe('RoutingState: events and reservations', () => {
  let redis: TestRedis;
  let state: RoutingState;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client, { recovery: emptyHistoryRecovery(redis.client) });
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('applies AgentAssigned: takes the chat out of the queue, moves the slot between agents, and ignores repeats', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b']);
    await queueChat(state, org, 'c1', 1, { customerId: 'alice' });
    await queueChat(state, org, 'c2', 2);

    expect(await state.assigned(org, 'c1', 'a', 10)).toEqual({ outcome: 'assigned', previousAgentId: null });
    expect(await state.queue(org, 'g')).toMatchObject([{ chatId: 'c2', position: 1 }]);
    expect(await state.load(org, 'a')).toEqual({ chat: 1, messaging: 0 });
    expect((await state.agent(org, 'a'))?.lastAssignedAtMs).toBe(10);

    expect(await state.assigned(org, 'c1', 'a', 10)).toEqual({ outcome: 'unchanged' });
    expect(await state.load(org, 'a')).toEqual({ chat: 1, messaging: 0 });

    // A transfer to b.
    expect(await state.assigned(org, 'c1', 'b', 20)).toEqual({ outcome: 'assigned', previousAgentId: 'a' });
    expect(await state.load(org, 'a')).toEqual({ chat: 0, messaging: 0 });
    expect(await state.load(org, 'b')).toEqual({ chat: 1, messaging: 0 });
    expect(await state.agentChats(org, 'b')).toEqual(['c1']);
    expect(await state.agentChats(org, 'a')).toEqual([]);
    // The returning customer now goes to b.
    await state.released(org, 'c1');
    await queueChat(state, org, 'c3', 30, { customerId: 'alice' });
    await state.released(org, 'c2');
    expect(await state.reserveNext(org, 'g', 31)).toMatchObject({ chatId: 'c3', agentId: 'b' });
  });

  it('applies an assignment even above the limit (a committed fact), while decisions still respect it', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a'], { chat: 1 });
    await queueChat(state, org, 'c1', 1);
    await queueChat(state, org, 'c2', 2);
    await queueChat(state, org, 'c3', 3);
    await state.assigned(org, 'c1', 'a', 4);
    await state.assigned(org, 'c2', 'a', 5); // a supervisor's transfer beyond the limit
    expect(await state.load(org, 'a')).toEqual({ chat: 2, messaging: 0 });
    expect(await state.reserveNext(org, 'g', 6)).toBeNull();
    await state.released(org, 'c1');
    expect(await state.reserveNext(org, 'g', 7)).toBeNull(); // 1 of 1 still held
    await state.released(org, 'c2');
    expect(await state.reserveNext(org, 'g', 8)).toMatchObject({ chatId: 'c3' });
  });

  it('treats the AgentAssigned of its own reservation as a confirmation, not a second slot', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a']);
    await queueChat(state, org, 'c1', 1);
    const reservation = await state.reserveNext(org, 'g', 2);
    expect(reservation).toEqual({ chatId: 'c1', agentId: 'a', queuedAtMs: 1 });
    expect(await state.assigned(org, 'c1', 'a', 3)).toEqual({ outcome: 'confirmed' });
    expect(await state.assigned(org, 'c1', 'a', 3)).toEqual({ outcome: 'unchanged' });
    expect(await state.load(org, 'a')).toEqual({ chat: 1, messaging: 0 });
    // Confirmed: a late cancel (the command did land though its caller timed out) undoes nothing.
    expect(await state.cancelReservation(org, 'c1', 'a', 1)).toBe(false);
    expect(await state.chat(org, 'c1')).toMatchObject({ agentId: 'a', reserved: false });
  });

  it('frees the slot on release, forgets the chat, and ignores late events about it', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a']);
    await queueChat(state, org, 'c1', 1);
    await queueChat(state, org, 'queued', 2);
    await state.assigned(org, 'c1', 'a', 3);
    expect(await state.released(org, 'c1')).toEqual({ agentId: 'a' });
    expect(await state.load(org, 'a')).toEqual({ chat: 0, messaging: 0 });
    expect(await state.agentChats(org, 'a')).toEqual([]);
    expect(await state.chat(org, 'c1')).toBeNull();
    expect(await state.released(org, 'c1')).toEqual({ agentId: null });

    // A redelivered AgentAssigned or ConversationQueued must not take a slot that nothing would free.
    expect(await state.assigned(org, 'c1', 'a', 4)).toEqual({ outcome: 'ignored', reason: 'ended' });
    expect(await state.enqueue(org, 'c1', 'g', 4)).toEqual({ outcome: 'ignored', reason: 'ended' });
    expect(await state.markPassed(org, 'c1', 'a')).toBe(false);
    expect(await state.load(org, 'a')).toEqual({ chat: 0, messaging: 0 });

    // A queued chat that ends (the customer left) leaves the queue.
    expect(await state.released(org, 'queued')).toEqual({ agentId: null });
    expect(await state.queue(org, 'g')).toEqual([]);

    // Reopened: a new cycle.
    expect(await state.chatStarted(org, { chatId: 'c1', groupId: 'g', channel: 'chat', customerId: 'u' })).toBe(
      'started',
    );
    expect(await state.enqueue(org, 'c1', 'g', 50)).toEqual({ outcome: 'queued', position: 1, queuedAtMs: 50 });
  });

  it('keeps a live chat as it is when ConversationStarted comes again', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a'], { chat: 1, messaging: 1 });
    await queueChat(state, org, 'c1', 1, { groupId: 'g', channel: 'messaging' });
    await state.assigned(org, 'c1', 'a', 2);
    await state.enqueue(org, 'c1', 'other', 3);
    await state.assigned(org, 'c1', 'a', 4);
    expect(await state.chatStarted(org, { chatId: 'c1', groupId: 'g', channel: 'chat', customerId: 'x' })).toBe(
      'known',
    );
    expect(await state.chat(org, 'c1')).toMatchObject({ groupId: 'other', channel: 'messaging', agentId: 'a' });
    await state.released(org, 'c1');
    expect(await state.load(org, 'a')).toEqual({ chat: 0, messaging: 0 });
  });

  it('cancels a failed reservation: slot freed, chat back at its original place, samples and memories undone', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b']);
    await queueChat(state, org, 'earlier', 1, { customerId: 'bob' });
    await state.assigned(org, 'earlier', 'b', 5);
    await queueChat(state, org, 'c1', 10, { customerId: 'alice' });
    await queueChat(state, org, 'c2', 20);
    const before = await state.agent(org, 'a');

    const reservation = await state.reserveNext(org, 'g', 30);
    expect(reservation).toEqual({ chatId: 'c1', agentId: 'a', queuedAtMs: 10 });
    expect(await state.cancelReservation(org, 'c1', 'b', 10)).toBe(false); // not reserved to b
    expect(await state.cancelReservation(org, 'c1', 'a', 10)).toBe(true);
    expect(await state.cancelReservation(org, 'c1', 'a', 10)).toBe(false); // already undone

    expect(await state.agent(org, 'a')).toEqual(before);
    expect(await state.agentChats(org, 'a')).toEqual([]);
    expect((await state.queue(org, 'g')).map((entry) => [entry.chatId, entry.queuedAtMs])).toEqual([
      ['c1', 10],
      ['c2', 20],
    ]);
    expect(await state.chat(org, 'c1')).toMatchObject({ agentId: null, reserved: false, queuedAtMs: 10 });
    // The only wait sample left is `earlier`'s (4 ms, rounded up to 1 s).
    expect(await state.estimatedWaitSeconds(org, 'g', 1, 40)).toBe(1);
    expect(await redis.client.zcard(`routing:{${org}}:drained:g`)).toBe(1);
    // alice had no last agent before: none now.
    expect(await redis.client.exists(`routing:{${org}}:customer-last-agent:alice`)).toBe(0);
    // And the same decision is made again.
    expect(await state.reserveNext(org, 'g', 50)).toEqual({ chatId: 'c1', agentId: 'a', queuedAtMs: 10 });
  });

  it('does not cancel a reservation that something later replaced', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b']);
    await queueChat(state, org, 'c1', 1);
    await state.reserveNext(org, 'g', 2);
    // An agent picked it meanwhile (its AgentAssigned came first): the slot is b's.
    await state.assigned(org, 'c1', 'b', 3);
    expect(await state.cancelReservation(org, 'c1', 'a', 1)).toBe(false);
    expect(await state.chat(org, 'c1')).toMatchObject({ agentId: 'b' });
    expect(await state.queue(org, 'g')).toEqual([]);

    // Released meanwhile.
    await queueChat(state, org, 'c2', 4);
    expect(await state.reserveNext(org, 'g', 5)).toMatchObject({ chatId: 'c2', agentId: 'a' });
    await state.released(org, 'c2');
    expect(await state.cancelReservation(org, 'c2', 'a', 4)).toBe(false);
    expect(await state.queue(org, 'g')).toEqual([]);
    expect(await state.load(org, 'a')).toEqual({ chat: 0, messaging: 0 });
    expect(await capacityViolations(state, org, ['a', 'b'])).toEqual([]);
  });

  it('finds a reservation by its lease until it is confirmed, undone or replaced, and undoes only that lease', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b']);
    await queueChat(state, org, 'c1', 1);
    await queueChat(state, org, 'c2', 2);
    await queueChat(state, org, 'c3', 3);
    expect(await state.leasedChat(org, 'lease-1')).toBeNull(); // stored before reserving: covers nothing yet

    expect(await state.reserveNext(org, 'g', 4, 'lease-1')).toMatchObject({ chatId: 'c1', agentId: 'a' });
    expect(await state.leasedChat(org, 'lease-1')).toBe('c1');
    expect(await state.assigned(org, 'c1', 'a', 5)).toEqual({ outcome: 'confirmed' });
    expect(await state.leasedChat(org, 'lease-1')).toBeNull();

    // Undone under another lease, reserved again: the first lease, firing late, undoes nothing.
    expect(await state.reserveNext(org, 'g', 6, 'lease-2')).toMatchObject({ chatId: 'c2', agentId: 'b' });
    expect(await state.cancelReservation(org, 'c2', 'b', 2, 'lease-2')).toBe(true);
    expect(await state.leasedChat(org, 'lease-2')).toBeNull();
    expect(await state.reserveNext(org, 'g', 7, 'lease-3')).toMatchObject({ chatId: 'c2', agentId: 'b' });
    expect(await state.cancelReservation(org, 'c2', 'b', 2, 'lease-2')).toBe(false);
    expect(await state.chat(org, 'c2')).toMatchObject({ agentId: 'b', reserved: true });
    expect(await state.leasedChat(org, 'lease-3')).toBe('c2');

    // Replaced by someone else's AgentAssigned, or released: the lease covers nothing any more.
    await state.assigned(org, 'c2', 'a', 8);
    expect(await state.leasedChat(org, 'lease-3')).toBeNull();
    expect(await state.reserveNext(org, 'g', 9, 'lease-4')).toMatchObject({ chatId: 'c3' });
    await state.released(org, 'c3');
    expect(await state.leasedChat(org, 'lease-4')).toBeNull();
    expect(await capacityViolations(state, org, ['a', 'b'])).toEqual([]);
  });

  it('lets a cancelled reservation be applied after all when its AgentAssigned comes late', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a']);
    await queueChat(state, org, 'c1', 1);
    await queueChat(state, org, 'c2', 2);
    await state.reserveNext(org, 'g', 3);
    await state.cancelReservation(org, 'c1', 'a', 1);
    expect(await state.assigned(org, 'c1', 'a', 4)).toEqual({ outcome: 'assigned', previousAgentId: null });
    expect(await state.queue(org, 'g')).toMatchObject([{ chatId: 'c2', position: 1 }]);
    expect(await state.load(org, 'a')).toEqual({ chat: 1, messaging: 0 });
  });

  it('frees the slot of a chat going back to the queue after its agent let it pass', async () => {
    const org = freshOrganization();
    await addAgents(state, org, ['a', 'b'], { chat: 1 });
    await queueChat(state, org, 'c1', 1);
    expect(await state.reserveNext(org, 'g', 2)).toMatchObject({ agentId: 'a' });
    await state.assigned(org, 'c1', 'a', 2);
    await state.markPassed(org, 'c1', 'a');
    expect(await state.load(org, 'a')).toEqual({ chat: 1, messaging: 0 }); // until re-queued
    await state.enqueue(org, 'c1', 'g', 200);
    expect(await state.load(org, 'a')).toEqual({ chat: 0, messaging: 0 });
    expect(await state.reserveNext(org, 'g', 201)).toMatchObject({ chatId: 'c1', agentId: 'b' });
  });
});
