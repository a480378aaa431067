import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

// `list_agents` and `list_groups` over real sockets, with two routing replicas so that routing
// statuses, free slots, accepting agents and queues are routing's real state.
describe('list_agents and list_groups', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  async function connect(endpoint: 'customer' | 'agent', token?: string): Promise<RtmTestClient> {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  }

  async function disableAgent(organizationId: string, agentId: string): Promise<void> {
    const response = await fetch(`${system.gatewayUrl()}/v1/organizations/${organizationId}/agents/${agentId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
      body: JSON.stringify({ disabled: true }),
    });
    expect(response.status).toBe(200);
  }

  async function startChat(organizationId: string, groupId: string): Promise<string> {
    const customer = await connect('customer');
    await customer.login(await system.customerToken(organizationId));
    const started = await customer.call('start_chat', {
      group_id: groupId,
      message: { text: 'Hello', client_id: 'c-1' },
    });
    return started.chat_id;
  }

  const byId = (agents: any[], agentId: string) => agents.find((agent) => agent.agent_id === agentId);

  beforeAll(async () => {
    system = await ChatSystem.start({ routing: 2 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('shows routing statuses and free slots changing as an agent starts accepting and takes a chat', async () => {
    const org = await system.createOrganization('Acme');
    const sales = await system.createGroup(org.organization_id, 'Sales');
    const alice = await system.createAgent(org.organization_id, {
      email: 'alice@acme.test',
      name: 'Alice',
      groups: [sales],
      maxChats: 2,
    });
    const bob = await system.createAgent(org.organization_id, {
      email: 'bob@acme.test',
      name: 'Bob',
      role: 'supervisor',
      groups: [sales],
    });

    const aliceSocket = await connect('agent', alice.token);
    await aliceSocket.call('set_routing_status', { status: 'not_accepting' });
    const before = await aliceSocket.call('list_agents', {});
    expect(byId(before.agents, alice.agentId)).toEqual({
      agent_id: alice.agentId,
      name: 'Alice',
      display_name: 'Alice',
      avatar_url: null,
      role: 'agent',
      kind: 'human',
      group_ids: [sales],
      routing_status: 'not_accepting',
      free_chat_slots: 2,
    });
    // Bob never connected: routing counts him offline.
    expect(byId(before.agents, bob.agentId)).toMatchObject({
      name: 'Bob',
      role: 'supervisor',
      routing_status: 'offline',
    });
    const salesOf = async () =>
      (await aliceSocket.call('list_groups', {})).groups.find((group: any) => group.group_id === sales);
    expect(await salesOf()).toEqual({
      group_id: sales,
      name: 'Sales',
      routing: 'auto',
      agents_accepting: 0,
      chats_queued: 0,
    });

    await aliceSocket.call('set_routing_status', { status: 'accepting' });
    const accepting = await aliceSocket.call('list_agents', {});
    expect(byId(accepting.agents, alice.agentId)).toMatchObject({ routing_status: 'accepting', free_chat_slots: 2 });
    expect(await salesOf()).toEqual({
      group_id: sales,
      name: 'Sales',
      routing: 'auto',
      agents_accepting: 1,
      chats_queued: 0,
    });

    const chatId = await startChat(org.organization_id, sales);
    await aliceSocket.push('incoming_chat', (payload) => payload.chat_id === chatId);
    const busy = await waitFor(
      async () => {
        const { agents } = await aliceSocket.call('list_agents', {});
        return byId(agents, alice.agentId).free_chat_slots === 1 && agents;
      },
      { what: 'one free slot left to alice' },
    );
    expect(byId(busy, alice.agentId)).toMatchObject({ routing_status: 'accepting', free_chat_slots: 1 });
  });

  it('filters by group, leaves disabled agents out and never lists another organization', async () => {
    const org = await system.createOrganization('Globex');
    const sales = await system.createGroup(org.organization_id, 'Sales');
    const support = await system.createGroup(org.organization_id, 'Support');
    const ann = await system.createAgent(org.organization_id, { email: 'ann@globex.test', groups: [sales] });
    const ben = await system.createAgent(org.organization_id, { email: 'ben@globex.test', groups: [sales, support] });
    const cid = await system.createAgent(org.organization_id, { email: 'cid@globex.test', groups: [support] });
    await disableAgent(org.organization_id, cid.agentId);

    const other = await system.createOrganization('Initech');
    const otherGroup = await system.createGroup(other.organization_id, 'Sales');
    const dora = await system.createAgent(other.organization_id, { email: 'dora@initech.test', groups: [otherGroup] });

    const annSocket = await connect('agent', ann.token);
    const all = await annSocket.call('list_agents', {});
    expect(all.agents.map((agent: any) => agent.agent_id).sort()).toEqual([ann.agentId, ben.agentId].sort());
    const supportOnly = await annSocket.call('list_agents', { group_id: support });
    expect(supportOnly.agents.map((agent: any) => agent.agent_id)).toEqual([ben.agentId]);
    const salesOnly = await annSocket.call('list_agents', { group_id: sales });
    expect(salesOnly.agents.map((agent: any) => agent.agent_id).sort()).toEqual([ann.agentId, ben.agentId].sort());

    // Another organization's group is no group of this one: not_found, as transfer_chat answers.
    const foreign = await annSocket.request('list_agents', { group_id: otherGroup });
    expect(foreign).toMatchObject({
      success: false,
      payload: { error: { code: 'not_found', reason: 'group_not_found' } },
    });

    const doraSocket = await connect('agent', dora.token);
    const theirs = await doraSocket.call('list_agents', {});
    expect(theirs.agents.map((agent: any) => agent.agent_id)).toEqual([dora.agentId]);
    const theirGroups = await doraSocket.call('list_groups', {});
    expect(theirGroups.groups.map((group: any) => group.group_id).sort()).toEqual(
      [other.default_group_id, otherGroup].sort(),
    );
  });

  it('counts queued chats and accepting agents per group', async () => {
    const org = await system.createOrganization('Umbrella');
    const support = await system.createGroup(org.organization_id, 'Support');
    const manual = await system.createGroup(org.organization_id, 'Escalations', 'manual');
    const eve = await system.createAgent(org.organization_id, { email: 'eve@umbrella.test', groups: [manual] });
    const eveSocket = await connect('agent', eve.token);
    await eveSocket.call('set_routing_status', { status: 'accepting' });

    // Nobody of Support is accepting: both chats wait in its queue.
    await startChat(org.organization_id, support);
    await startChat(org.organization_id, support);
    const groups = await waitFor(
      async () => {
        const listed = await eveSocket.call('list_groups', {});
        const queued = listed.groups.find((group: any) => group.group_id === support)?.chats_queued;
        return queued === 2 && listed.groups;
      },
      { what: 'two chats queued in Support' },
    );
    expect(groups.find((group: any) => group.group_id === support)).toMatchObject({
      name: 'Support',
      routing: 'auto',
      agents_accepting: 0,
      chats_queued: 2,
    });
    expect(groups.find((group: any) => group.group_id === manual)).toEqual({
      group_id: manual,
      name: 'Escalations',
      routing: 'manual',
      agents_accepting: 1,
      chats_queued: 0,
    });
    expect(groups.map((group: any) => group.group_id)).toContain(org.default_group_id);
  });

  it('are agent actions only, and refuse bad payloads', async () => {
    const org = await system.createOrganization('Hooli');
    const agent = await system.createAgent(org.organization_id, { email: 'gil@hooli.test' });
    const customer = await connect('customer');
    await customer.login(await system.customerToken(org.organization_id));
    for (const action of ['list_agents', 'list_groups']) {
      expect(await customer.request(action, {})).toMatchObject({
        success: false,
        payload: { error: { code: 'validation', reason: 'unknown_action' } },
      });
    }

    const socket = await connect('agent', agent.token);
    for (const [action, payload] of [
      ['list_agents', { group_id: 5 }],
      ['list_agents', { group_id: '' }],
      ['list_agents', { group: 'x' }],
      ['list_groups', { group_id: 'x' }],
    ] as const) {
      expect(await socket.request(action, payload)).toMatchObject({
        action,
        success: false,
        payload: { error: { code: 'validation' } },
      });
    }
  });

  // Last: it stops the routing replicas. The desk still gets whom it may transfer to.
  it('lists the directory with null routing figures while routing does not answer', async () => {
    const org = await system.createOrganization('Soylent');
    const group = await system.createGroup(org.organization_id, 'Support');
    const hal = await system.createAgent(org.organization_id, {
      email: 'hal@soylent.test',
      name: 'Hal',
      groups: [group],
    });
    const socket = await connect('agent', hal.token);
    await Promise.all(system.routing.map((replica) => replica.stop()));

    const { agents } = await socket.call('list_agents', {});
    expect(agents).toEqual([
      expect.objectContaining({ agent_id: hal.agentId, name: 'Hal', routing_status: null, free_chat_slots: null }),
    ]);
    const { groups } = await socket.call('list_groups', {});
    expect(groups.find((listed: any) => listed.group_id === group)).toEqual({
      group_id: group,
      name: 'Support',
      routing: 'auto',
      agents_accepting: null,
      chats_queued: null,
    });
  });
});
