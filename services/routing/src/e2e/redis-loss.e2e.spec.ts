import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createDatabase, EventStore } from '@livedesk/event-store';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';

// Redis is a cache of routing's state; the event store is the truth. These tests take the state
// away under running services (a conversation service, a gateway, two routing replicas) the
// way a Redis without persistence loses it when it restarts: every routing key of the test's
// organization and the timers of the test's deployment are deleted (the shared Redis server is
// never flushed: other tests run on it). Before the rebuild existed, an agent who stayed
// connected and accepting was unknown to routing, and a new chat waited unassigned with
// `agents_available: false` for as long as the agent kept the socket open.
describe('routing after Redis lost its data', () => {
  let system: ChatSystem;
  let redis: Redis;
  const sockets: RtmTestClient[] = [];

  async function agentSocket(token: string): Promise<RtmTestClient> {
    const socket = await system.connect('agent', token);
    sockets.push(socket);
    return socket;
  }

  async function customerStarts(orgId: string, groupId: string): Promise<{ customer: RtmTestClient; chatId: string }> {
    const customer = await system.connect('customer', await system.customerToken(orgId));
    sockets.push(customer);
    const { chat_id: chatId } = await customer.call('start_chat', { group_id: groupId, message: { text: 'help?' } });
    return { customer, chatId };
  }

  async function eventsOf(streamId: string) {
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      return await new EventStore(db).readStream(streamId);
    } finally {
      await db.destroy();
    }
  }

  /** Deletes what Redis holds for the organization and the deployment's timers, keeping the keys `keep` names. */
  async function loseRedisState(organizationId: string, keep: readonly string[] = []): Promise<number> {
    const doomed: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `routing:{${organizationId}}:*`, 'COUNT', 1000);
      cursor = next;
      doomed.push(...keys.filter((key) => !keep.includes(key)));
    } while (cursor !== '0');
    doomed.push(`routing:{${system.nats.subjectPrefix}}:timers`);
    return redis.del(...doomed);
  }

  async function rebuildsCounted(): Promise<number> {
    let total = 0;
    for (const replica of system.routing) {
      const text = await (await fetch(`${replica.url}/metrics`)).text();
      const line = text
        .split('\n')
        .find((row) => row.startsWith('routing_state_rebuilds_total{') && row.includes('outcome="rebuilt"'));
      total += line ? Number(line.split(' ').at(-1)) : 0;
    }
    return total;
  }

  async function readiness(): Promise<number[]> {
    return Promise.all(system.routing.map(async (replica) => (await fetch(`${replica.url}/health/ready`)).status));
  }

  beforeAll(async () => {
    system = await ChatSystem.start({
      routing: 2,
      env: {
        ROUTING_AUTO_TRANSFER_SECONDS: '4',
        ROUTING_TIMER_POLL_MS: '50',
        ROUTING_STATE_CHECK_MS: '200',
        // The periodic presence report is far off: the agent comes back by the report routing
        // asks for after its rebuild (presence_wanted), or not within these tests at all.
        RTM_PRESENCE_REFRESH_SECONDS: '300',
      },
    });
    redis = new Redis(system.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    redis?.disconnect();
    await system?.stop();
  });

  it('Redis flushed under a running system: the next chat is assigned to the accepting agent within seconds, within her limit', async () => {
    const org = await system.createOrganization('Flushed');
    const group = await system.createGroup(org.organization_id, 'Support');
    const alice = await system.createAgent(org.organization_id, {
      email: 'alice@flushed.test',
      groups: [group],
      maxChats: 2,
    });
    const agent = await agentSocket(alice.token);
    const first = await customerStarts(org.organization_id, group);
    await agent.push('incoming_chat', (p) => p.chat_id === first.chatId);
    await agent.call('send_event', {
      chat_id: first.chatId,
      event: { type: 'message', text: 'hello', client_id: 'a1' },
    });
    const rebuildsBefore = await rebuildsCounted();

    expect(await loseRedisState(org.organization_id)).toBeGreaterThan(5);
    const lostAt = Date.now();
    const second = await customerStarts(org.organization_id, group);
    await agent.push('incoming_chat', (p) => p.chat_id === second.chatId, 10_000);
    const assignedAfterMs = Date.now() - lostAt;
    process.stdout.write(`second chat assigned ${assignedAfterMs} ms after the state was lost\n`);
    expect(assignedAfterMs).toBeLessThan(5000);
    // Both replicas noticed (the new chat's event, the periodic check); one rebuilt, under the lock.
    expect(await rebuildsCounted()).toBe(rebuildsBefore + 1);

    // The rebuilt state holds both of Alice's chats: a third waits in the queue, with an agent there.
    const third = await customerStarts(org.organization_id, group);
    const waiting = await third.customer.push('queue_position_updated', (p) => p.chat_id === third.chatId);
    expect(waiting).toMatchObject({ position: 1, agents_available: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await eventsOf(`conversation-${third.chatId}`)).some((event) => event.type === 'AgentAssigned')).toBe(
      false,
    );

    // Her status was never changed by the loss: no offline, no second accepting.
    expect((await eventsOf(`agent-${alice.agentId}`)).map((event) => (event.data as { to: string }).to)).toEqual([
      'accepting',
    ]);
    // The first chat was not assigned again, and resolving it pulls the third one.
    expect(
      (await eventsOf(`conversation-${first.chatId}`)).filter((event) => event.type === 'AgentAssigned'),
    ).toHaveLength(1);
    await agent.call('resolve_chat', { chat_id: first.chatId });
    await agent.push('incoming_chat', (p) => p.chat_id === third.chatId, 10_000);
    expect(await readiness()).toEqual([200, 200]);
  });

  it('Redis flushed while an agent owes a reply: the auto-transfer still moves the chat on', async () => {
    const org = await system.createOrganization('Owed');
    const group = await system.createGroup(org.organization_id, 'Support');
    const slow = await system.createAgent(org.organization_id, { email: 'slow@owed.test', groups: [group] });
    const quick = await system.createAgent(org.organization_id, { email: 'quick@owed.test', groups: [group] });
    const slowSocket = await agentSocket(slow.token);
    const { chatId } = await customerStarts(org.organization_id, group);
    await slowSocket.push('incoming_chat', (p) => p.chat_id === chatId);
    const quickSocket = await agentSocket(quick.token);

    // The timer (due 4 s after the assignment) is lost with the rest; the rebuild sets it again.
    await loseRedisState(org.organization_id);
    await quickSocket.push('incoming_chat', (p) => p.chat_id === chatId, 15_000);
    const transfers = (await eventsOf(`conversation-${chatId}`)).filter(
      (event) => event.type === 'ConversationTransferred',
    );
    expect(transfers.map((event) => (event.data as { from_agent_id: string; reason: string }).reason)).toEqual([
      'auto',
    ]);
  });

  it('Redis flushed after a chat ended: the customer writing again reopens it and it is routed at once', async () => {
    const org = await system.createOrganization('Reopened');
    const group = await system.createGroup(org.organization_id, 'Support');
    const cleo = await system.createAgent(org.organization_id, { email: 'cleo@reopened.test', groups: [group] });
    const agent = await agentSocket(cleo.token);
    const { customer, chatId } = await customerStarts(org.organization_id, group);
    await agent.push('incoming_chat', (p) => p.chat_id === chatId);
    await agent.call('send_event', { chat_id: chatId, event: { type: 'message', text: 'fixed', client_id: 'c1' } });
    await agent.call('resolve_chat', { chat_id: chatId });
    await waitFor(async () => (await redis.exists(`routing:{${org.organization_id}}:chat:${chatId}`)) === 1, {
      what: 'routing to see the chat',
    });
    await waitFor(async () => (await redis.hget(`routing:{${org.organization_id}}:chat:${chatId}`, 'ended')) === '1', {
      what: 'routing to release the chat',
    });

    // The ended chat's position in its stream is lost too: the rebuild must give it back, or
    // the reopening events would wait for predecessors that were delivered long ago.
    await loseRedisState(org.organization_id);
    const lostAt = Date.now();
    // Rebuilt before the customer writes (the periodic check noticed): the chat is not live then.
    await waitFor(async () => (await redis.exists(`routing:{${org.organization_id}}:epoch`)) === 1, {
      what: 'the rebuild',
    });
    await customer.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'it broke again', client_id: 'c2' },
    });
    const offers = () => agent.pushes('incoming_chat').filter((p) => p.chat_id === chatId).length;
    await waitFor(() => offers() === 2, { timeoutMs: 10_000, what: 'the reopened chat offered to Cleo' });
    expect(Date.now() - lostAt).toBeLessThan(5000);
    const types = (await eventsOf(`conversation-${chatId}`)).map((event) => event.type);
    expect(types.filter((type) => type === 'AgentAssigned')).toHaveLength(2);
  });

  it('reports not ready while the state is being rebuilt, and routes again once it is', async () => {
    const org = await system.createOrganization('Rebuilding');
    const group = await system.createGroup(org.organization_id, 'Support');
    const bea = await system.createAgent(org.organization_id, { email: 'bea@rebuilding.test', groups: [group] });
    const agent = await agentSocket(bea.token);
    const first = await customerStarts(org.organization_id, group);
    await agent.push('incoming_chat', (p) => p.chat_id === first.chatId);
    expect(await readiness()).toEqual([200, 200]);

    // A replica that is rebuilding holds the lock (a slow rebuild, seen from the others).
    const lock = `routing:{${org.organization_id}}:rebuild-lock`;
    await redis.set(lock, 'a replica rebuilding slowly', 'PX', 60_000);
    await loseRedisState(org.organization_id, [lock]);
    // The periodic check notices the missing epoch: both replicas wait for the rebuild.
    await waitFor(async () => (await readiness()).every((status) => status === 503), {
      timeoutMs: 5000,
      what: 'routing not ready',
    });
    const body = (await (await fetch(`${system.routing[0]!.url}/health/ready`)).json()) as {
      error: Record<string, unknown>;
    };
    expect(Object.keys(body.error)).toEqual(['routing_state']);

    await redis.del(lock); // that replica died: its lock is gone, one of these takes over
    await waitFor(async () => (await readiness()).every((status) => status === 200), {
      timeoutMs: 10_000,
      what: 'routing ready again',
    });
    const second = await customerStarts(org.organization_id, group);
    await agent.push('incoming_chat', (p) => p.chat_id === second.chatId, 10_000);
  });
});
