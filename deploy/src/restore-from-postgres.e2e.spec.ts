import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';

// docs/operations.md, "Backup and restore": Postgres is the source of truth; the JetStream
// event stream and its consumers, and routing's state in Redis, are rebuilt from it. This test
// restores a system from Postgres alone: it stops every service, deletes the run's JetStream
// streams (and their consumers) and the run's Redis keys, starts the services again, and checks
// that an agent reads the chat, gets a new message pushed, and that a new chat is routed to her.
describe('a system restored from Postgres alone', () => {
  let system: ChatSystem;
  let redis: Redis;
  const sockets: RtmTestClient[] = [];

  async function connect(endpoint: 'customer' | 'agent', token: string): Promise<RtmTestClient> {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  }

  /** Every Redis key of the run: those of its organization and those of its subject prefix. */
  async function redisKeysOf(organizationId: string): Promise<string[]> {
    const keys: string[] = [];
    for (const tag of [organizationId, system.nats.subjectPrefix]) {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `*{${tag}}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
    }
    return keys;
  }

  /**
   * Waits until routing counts the agent as accepting with `free` chat slots (list_agents asks
   * routing), so that a chat started next finds her in routing's state.
   */
  async function untilRoutingCounts(socket: RtmTestClient, agentId: string, free: number): Promise<void> {
    await waitFor(
      async () => {
        const { agents } = await socket.call('list_agents', {});
        const agent = agents.find((entry: { agent_id: string }) => entry.agent_id === agentId);
        return agent?.routing_status === 'accepting' && agent.free_chat_slots === free;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: `routing to count the agent accepting with ${free} free slots` },
    );
  }

  async function runStreams(): Promise<string[]> {
    const jsm = await jetstreamManager(system.nats.connection);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(system.nats.streamPrefix)) names.push(name);
    return names;
  }

  beforeAll(async () => {
    system = await ChatSystem.start({ routing: 1, env: { ROUTING_STATE_CHECK_MS: '200' } });
    redis = new Redis(system.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    redis?.disconnect();
    await system?.stop();
  });

  it('reads the chat, pushes a new message to the agent and routes a new chat after the streams and Redis keys are gone', async () => {
    const org = await system.createOrganization('Restored');
    const group = await system.createGroup(org.organization_id, 'Support');
    const ada = await system.createAgent(org.organization_id, {
      email: 'ada@restored.test',
      groups: [group],
      maxChats: 3,
    });
    const customerToken = await system.customerToken(org.organization_id);

    const agent = await connect('agent', ada.token);
    await untilRoutingCounts(agent, ada.agentId, 3);
    const customer = await connect('customer', customerToken);
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: group,
      message: { text: 'My parcel is late', client_id: 'c-1' },
    });
    await agent.push('incoming_chat', (payload) => payload.chat_id === chatId);
    await agent.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Let me look', client_id: 'a-1' },
    });
    await customer.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Order 1234', client_id: 'c-2' },
    });
    await agent.push(
      'incoming_event',
      (payload) => payload.chat_id === chatId && payload.event.data?.text === 'Order 1234',
    );
    const before = await agent.call('get_chat', { chat_id: chatId });

    const streams = await runStreams();
    expect(streams).toEqual([`${system.nats.streamPrefix}_EVENTS`]);
    expect((await redisKeysOf(org.organization_id)).length).toBeGreaterThan(5);
    for (const socket of sockets.splice(0)) socket.drop();

    await system.restart(async () => {
      const jsm = await jetstreamManager(system.nats.connection);
      for (const stream of streams) {
        for await (const consumer of jsm.consumers.list(stream)) await jsm.consumers.delete(stream, consumer.name);
        await jsm.streams.delete(stream);
      }
      const keys = await redisKeysOf(org.organization_id);
      if (keys.length > 0) await redis.del(...keys);
      expect(await runStreams()).toEqual([]);
      expect(await redisKeysOf(org.organization_id)).toEqual([]);
    });
    // The services made the stream again (empty: the relay publishes from its checkpoint on).
    expect(await runStreams()).toEqual(streams);

    // The agent's desk reconnects with its token: the chat reads as before, from Postgres.
    const agentAgain = await connect('agent', ada.token);
    const after = await agentAgain.call('get_chat', { chat_id: chatId });
    expect(after).toEqual(before);
    const texts = after.events
      .filter((event: any) => event.type === 'MessagePosted')
      .map((event: any) => event.data.text);
    expect(texts).toEqual(['My parcel is late', 'Let me look', 'Order 1234']);

    // A new message of the customer reaches the agent by push.
    const customerAgain = await connect('customer', customerToken);
    await customerAgain.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Any news?', client_id: 'c-3' },
    });
    await agentAgain.push(
      'incoming_event',
      (payload) => payload.chat_id === chatId && payload.event.data?.text === 'Any news?',
      15_000,
    );

    // Routing rebuilt its state from the event store: the agent is still accepting and holds the
    // first chat (two of her three slots free), and a new chat is assigned to her.
    await untilRoutingCounts(agentAgain, ada.agentId, 2);
    const other = await connect('customer', await system.customerToken(org.organization_id));
    const { chat_id: secondChatId } = await other.call('start_chat', {
      group_id: group,
      message: { text: 'Hello?', client_id: 'd-1' },
    });
    await agentAgain.push('incoming_chat', (payload) => payload.chat_id === secondChatId, 20_000);
    await other.push(
      'incoming_event',
      (payload) => payload.chat_id === secondChatId && payload.event.type === 'AgentAssigned',
      10_000,
    );
  }, 180_000);
});
