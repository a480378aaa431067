import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, EventStore, type RecordedEvent } from '@livedesk/event-store';
import { Redis } from 'ioredis';

const ABANDON_SECONDS = 2;
const INACTIVITY_SECONDS = 2;

// Chats that end by themselves (docs/protocol.md, "Why a chat ends"), over real sockets: a
// gateway, a conversation service and two routing replicas (the timers are shared in Redis).
// CHAT_ABANDON_SECONDS and the organizations' chat_inactivity_seconds are shortened to 2 s.
describe('chats that end by themselves', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  async function eventsOf(chatId: string): Promise<RecordedEvent[]> {
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      return await new EventStore(db).readStream(`conversation-${chatId}`);
    } finally {
      await db.destroy();
    }
  }

  async function customer(orgId: string, token?: string): Promise<RtmTestClient> {
    const socket = await system.connect('customer', token ?? (await system.customerToken(orgId)));
    sockets.push(socket);
    return socket;
  }

  async function settings(
    orgId: string,
    method: 'GET' | 'PATCH',
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${system.gatewayUrl()}/v1/organizations/${orgId}`, {
      method,
      headers: {
        authorization: `Bearer ${system.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    system = await ChatSystem.start({
      routing: 2,
      env: { CHAT_ABANDON_SECONDS: String(ABANDON_SECONDS), ROUTING_TIMER_POLL_MS: '50' },
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('closes a queued chat whose customer closed the socket as customer_left after the delay, and moves the next chat up', async () => {
    const org = await system.createOrganization('Leavers');
    // Nobody accepts: chats stay queued. A supervisor watches.
    const sue = await system.createAgent(org.organization_id, { email: 'sue@leavers.test', role: 'supervisor' });
    const supervisor = await system.connect('agent', sue.token);
    sockets.push(supervisor);

    const first = await customer(org.organization_id);
    const { chat_id: leaving } = await first.call('start_chat', { message: { text: 'anyone?' } });
    await first.push('queue_position_updated', (p) => p.chat_id === leaving && p.position === 1);
    const second = await customer(org.organization_id);
    const { chat_id: staying } = await second.call('start_chat', { message: { text: 'me too' } });
    await second.push('queue_position_updated', (p) => p.chat_id === staying && p.position === 2);

    // A messaging chat: its customer writes and leaves the page, as messaging allows.
    const writer = await customer(org.organization_id);
    const { chat_id: writing } = await writer.call('start_chat', {
      channel: 'messaging',
      message: { text: 'answer me by tomorrow' },
    });
    await writer.push('queue_position_updated', (p) => p.chat_id === writing);

    await Promise.all([first.close(), writer.close()]);
    const closedAt = Date.now();
    const left = await supervisor.push(
      'chat_deactivated',
      (p) => p.chat_id === leaving && p.reason === 'customer_left',
      15_000,
    );
    expect(left).toMatchObject({ chat_id: leaving, reason: 'customer_left' });
    // The chat behind it moves up at once.
    await second.push('queue_position_updated', (p) => p.chat_id === staying && p.position === 1, 5_000);

    const events = await eventsOf(leaving);
    expect(events.map((event) => event.type).slice(-2)).toEqual(['ConversationMissed', 'ConversationClosed']);
    expect(events.at(-2)!.data).toEqual({ reason: 'left_in_queue' });
    expect(events.at(-1)!.data).toEqual({ by: { kind: 'system', id: 'routing' }, reason: 'customer_left' });
    // Not before the customer had been gone CHAT_ABANDON_SECONDS (the timers poll every 50 ms).
    expect(events.at(-1)!.occurredAt.getTime() - closedAt).toBeGreaterThanOrEqual(ABANDON_SECONDS * 1000 - 100);
    // The chat that stayed is still queued, with its customer connected.
    expect((await eventsOf(staying)).map((event) => event.type)).not.toContain('ConversationClosed');
    // The messaging chat still waits for its answer, well past the delay.
    await sleep(1500);
    expect((await eventsOf(writing)).map((event) => event.type)).not.toContain('ConversationClosed');
  });

  it('keeps the chat of a customer who reconnects in time, and closes it once they are gone for good', async () => {
    const org = await system.createOrganization('Returners');
    const token = await system.customerToken(org.organization_id);
    const before = await customer(org.organization_id, token);
    const { chat_id: chatId } = await before.call('start_chat', { message: { text: 'back in a second' } });
    await before.push('queue_position_updated', (p) => p.chat_id === chatId);

    // A page reload: the socket closes and another opens within the delay.
    await before.close();
    await sleep(500);
    const after = await customer(org.organization_id, token);
    expect(after.frames[0]!.payload).toMatchObject({
      chats: [expect.objectContaining({ chat_id: chatId, status: 'queued' })],
    });
    // Well past the delay, counted from the close, the chat still waits.
    await sleep(ABANDON_SECONDS * 1000 * 2 + 500);
    expect((await eventsOf(chatId)).map((event) => event.type)).not.toContain('ConversationClosed');
    expect((await after.call('list_chats', {})).chats).toEqual([
      expect.objectContaining({ chat_id: chatId, status: 'queued' }),
    ]);

    // Gone for good: closed after the delay.
    await after.close();
    await waitFor(async () => (await eventsOf(chatId)).some((event) => event.type === 'ConversationClosed'), {
      timeoutMs: 15_000,
      what: 'the chat closed as customer_left',
    });
    expect((await eventsOf(chatId)).at(-1)!.data).toMatchObject({ reason: 'customer_left' });
  });

  it('closes an active chat nobody writes in as inactive; every message starts the period again; never a messaging chat', async () => {
    const org = await system.createOrganization('Sleepers');
    expect((await settings(org.organization_id, 'GET')).body.chat_inactivity_seconds).toBe(600);
    const patched = await settings(org.organization_id, 'PATCH', { chat_inactivity_seconds: INACTIVITY_SECONDS });
    expect(patched).toMatchObject({ status: 200, body: { chat_inactivity_seconds: INACTIVITY_SECONDS } });
    const group = await system.createGroup(org.organization_id, 'Support');
    const alice = await system.createAgent(org.organization_id, { email: 'alice@sleepers.test', groups: [group] });
    const agent = await system.connect('agent', alice.token);
    sockets.push(agent);

    const client = await customer(org.organization_id);
    const { chat_id: chatId } = await client.call('start_chat', { group_id: group, message: { text: 'hello' } });
    await agent.push('incoming_chat', (p) => p.chat_id === chatId);
    await agent.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Hi, Alice here', client_id: 'a-1' },
    });
    const { chat_id: messagingId } = await client.call('start_chat', {
      group_id: group,
      channel: 'messaging',
      message: { text: 'by mail is fine' },
    });
    await agent.push('incoming_chat', (p) => p.chat_id === messagingId);
    // A chat in which nobody writes after its assignment: the assignment alone starts its period.
    const quiet = await customer(org.organization_id);
    const { chat_id: quietId } = await quiet.call('start_chat', { group_id: group, message: { text: 'anyone?' } });
    await agent.push('incoming_chat', (p) => p.chat_id === quietId);

    // Messages closer together than the period keep the chat open for longer than the period:
    // six, 0.3 of a period apart (1.8 periods in all). Each has 0.7 of a period (1.4 s) to be
    // stored in time, so that a loaded machine does not close the chat between two of them.
    for (let i = 0; i < 6; i++) {
      await sleep(INACTIVITY_SECONDS * 1000 * 0.3);
      const author = i % 2 === 0 ? client : agent;
      await author.call('send_event', {
        chat_id: chatId,
        event: { type: 'message', text: `still here ${i}`, client_id: `m-${i}` },
      });
    }
    expect((await eventsOf(chatId)).map((event) => event.type)).not.toContain('ConversationClosed');

    // Then silence: closed as inactive, for both sides.
    const ended = await client.push('chat_deactivated', (p) => p.chat_id === chatId, 15_000);
    expect(ended.reason).toBe('inactive');
    await agent.push('chat_deactivated', (p) => p.chat_id === chatId && p.reason === 'inactive');
    const events = await eventsOf(chatId);
    const lastMessage = events.filter((event) => event.type === 'MessagePosted').at(-1)!;
    const close = events.at(-1)!;
    expect(close).toMatchObject({
      type: 'ConversationClosed',
      data: { by: { kind: 'system', id: 'routing' }, reason: 'inactive' },
    });
    expect(close.occurredAt.getTime() - lastMessage.occurredAt.getTime()).toBeGreaterThanOrEqual(
      INACTIVITY_SECONDS * 1000,
    );
    // An agent answered: the cycle is closed, not missed.
    expect(events.map((event) => event.type)).not.toContain('ConversationMissed');

    // The quiet chat was closed as inactive a period after its assignment.
    expect(await quiet.push('chat_deactivated', (p) => p.chat_id === quietId)).toMatchObject({ reason: 'inactive' });
    const quietEvents = await eventsOf(quietId);
    const assigned = quietEvents.find((event) => event.type === 'AgentAssigned')!;
    expect(quietEvents.at(-1)).toMatchObject({ type: 'ConversationClosed', data: { reason: 'inactive' } });
    expect(quietEvents.at(-1)!.occurredAt.getTime() - assigned.occurredAt.getTime()).toBeGreaterThanOrEqual(
      INACTIVITY_SECONDS * 1000,
    );

    // The messaging chat, silent as long, is still active.
    expect((await eventsOf(messagingId)).map((event) => event.type)).not.toContain('ConversationClosed');
  });

  it('refuses a bad chat_inactivity_seconds with 400 validation and changes nothing', async () => {
    const org = await system.createOrganization('Strict sleepers');
    await settings(org.organization_id, 'PATCH', { chat_inactivity_seconds: 900 });
    for (const value of [-1, 0, 1.5, '600', null, 604_801, true]) {
      const refused = await settings(org.organization_id, 'PATCH', { chat_inactivity_seconds: value });
      expect({ value, status: refused.status, code: refused.body.error?.code }).toEqual({
        value,
        status: 400,
        code: 'validation',
      });
      expect(refused.body.error.message).toMatch(/chat_inactivity_seconds/);
    }
    expect((await settings(org.organization_id, 'GET')).body.chat_inactivity_seconds).toBe(900);
    // Another organization's admin cannot change it: 404, as for an unknown organization.
    const other = await system.createOrganization('Neighbours');
    const admin = await system.createAgent(other.organization_id, { email: 'adam@neighbours.test', role: 'admin' });
    const response = await fetch(`${system.gatewayUrl()}/v1/organizations/${org.organization_id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chat_inactivity_seconds: 5 }),
    });
    expect(response.status).toBe(404);
    expect((await settings(org.organization_id, 'GET')).body.chat_inactivity_seconds).toBe(900);
  });

  // Last: it stops every routing replica of the system.
  it('closes the chat of a customer who left while no routing replica ran: the deadline is kept in Redis, not in a process', async () => {
    const org = await system.createOrganization('Restarters');
    const client = await customer(org.organization_id);
    const customerId: string = (client.frames[0]!.payload as { customer_id: string }).customer_id;
    const { chat_id: chatId } = await client.call('start_chat', { message: { text: 'hello?' } });
    await client.push('queue_position_updated', (p) => p.chat_id === chatId);
    await client.close();
    const redis = new Redis(system.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      await waitFor(
        async () => (await redis.exists(`routing:{${org.organization_id}}:customer-gone:${customerId}`)) === 1,
        {
          what: 'routing to hear that the customer left',
        },
      );
    } finally {
      redis.disconnect();
    }
    for (const replica of system.routing) replica.child.kill('SIGKILL');
    await Promise.all(system.routing.map((replica) => replica.exit));
    await sleep(ABANDON_SECONDS * 1000 + 500); // the chat falls due while no replica runs
    expect((await eventsOf(chatId)).map((event) => event.type)).not.toContain('ConversationClosed');
    await system.startReplica('routing');
    await waitFor(async () => (await eventsOf(chatId)).some((event) => event.type === 'ConversationClosed'), {
      timeoutMs: 30_000,
      what: 'the restarted routing to close the chat',
    });
    expect((await eventsOf(chatId)).at(-1)!.data).toEqual({
      by: { kind: 'system', id: 'routing' },
      reason: 'customer_left',
    });
  });
});
