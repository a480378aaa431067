import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, EventStore } from '@livedesk/event-store';

// Routing over the real protocol: a conversation service, a gateway and two routing replicas
// as processes. Short timers (auto-transfer 1 s, presence grace 0.5 s) keep it quick.
describe('routing', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  async function agentSocket(token: string): Promise<RtmTestClient> {
    const socket = await system.connect('agent', token);
    sockets.push(socket);
    return socket;
  }

  async function customerStarts(orgId: string, groupId?: string): Promise<{ customer: RtmTestClient; chatId: string }> {
    const customer = await system.connect('customer', await system.customerToken(orgId));
    sockets.push(customer);
    const { chat_id: chatId } = await customer.call('start_chat', {
      ...(groupId ? { group_id: groupId } : {}),
      message: { text: 'help?' },
    });
    return { customer, chatId };
  }

  async function eventsOf(chatId: string) {
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      return await new EventStore(db).readStream(`conversation-${chatId}`);
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    system = await ChatSystem.start({
      routing: 2,
      env: { ROUTING_AUTO_TRANSFER_SECONDS: '1', ROUTING_PRESENCE_GRACE_SECONDS: '0.5', ROUTING_TIMER_POLL_MS: '50' },
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('assigns a chat to an accepting agent at once, queues past capacity, and pulls the next chat when one is resolved', async () => {
    const org = await system.createOrganization('Auto');
    const group = await system.createGroup(org.organization_id, 'Support');
    const alice = await system.createAgent(org.organization_id, {
      email: 'alice@auto.test',
      groups: [group],
      maxChats: 1,
    });
    const agent = await agentSocket(alice.token);
    expect((agent.frames[0]!.payload as any).routing_status).toBe('accepting');

    const first = await customerStarts(org.organization_id, group);
    const incoming = await agent.push('incoming_chat', (p) => p.chat_id === first.chatId);
    expect(incoming.chat.assigned_agent_id).toBe(alice.agentId);
    // Answered at once: an agent who owes no reply keeps the chat (the 1 s auto-transfer of this
    // file would otherwise move it on while a loaded machine runs the next steps).
    await agent.call('send_event', {
      chat_id: first.chatId,
      event: { type: 'message', text: 'hello', client_id: 'hello' },
    });

    const second = await customerStarts(org.organization_id, group);
    const waiting = await second.customer.push('queue_position_updated', (p) => p.chat_id === second.chatId);
    expect(waiting).toMatchObject({ position: 1, agents_available: true });

    await agent.call('send_event', {
      chat_id: first.chatId,
      event: { type: 'message', text: 'done?', client_id: 'x' },
    });
    await agent.call('resolve_chat', { chat_id: first.chatId });
    await agent.push('incoming_chat', (p) => p.chat_id === second.chatId);
    const assigned = (await eventsOf(second.chatId)).filter((e) => e.type === 'AgentAssigned');
    expect(assigned.map((e) => (e.data as any).by)).toEqual(['routing']);
  });

  it('keeps an agent who is not accepting out of routing, and tells a customer when nobody accepts', async () => {
    const org = await system.createOrganization('Quiet');
    const group = await system.createGroup(org.organization_id, 'Support');
    const bob = await system.createAgent(org.organization_id, { email: 'bob@quiet.test', groups: [group] });
    const agent = await agentSocket(bob.token);
    expect(await agent.call('set_routing_status', { status: 'not_accepting' })).toEqual({
      agent_id: bob.agentId,
      status: 'not_accepting',
    });
    await agent.push('routing_status_set', (p) => p.status === 'not_accepting');
    const { customer, chatId } = await customerStarts(org.organization_id, group);
    const update = await customer.push('queue_position_updated', (p) => p.chat_id === chatId);
    expect(update).toEqual({ chat_id: chatId, position: 1, estimated_wait_seconds: null, agents_available: false });
    await agent.call('set_routing_status', { status: 'accepting' });
    await agent.push('incoming_chat', (p) => p.chat_id === chatId);
  });

  it('moves a chat on when the agent does not answer in time, never back to that agent', async () => {
    const org = await system.createOrganization('Slow');
    const group = await system.createGroup(org.organization_id, 'Support');
    const a = await system.createAgent(org.organization_id, { email: 'a@slow.test', groups: [group] });
    const b = await system.createAgent(org.organization_id, { email: 'b@slow.test', groups: [group] });
    const agentA = await agentSocket(a.token);
    const { chatId } = await customerStarts(org.organization_id, group);
    await agentA.push('incoming_chat', (p) => p.chat_id === chatId);
    const agentB = await agentSocket(b.token);
    // A never answers: after 1 s the chat goes to B.
    await agentB.push('incoming_chat', (p) => p.chat_id === chatId, 10_000);
    // B does not answer either: the chat is queued again, and A (who let it pass) is not offered it.
    await agentB.push('chat_transferred', (p) => p.chat_id === chatId && p.from_agent_id === b.agentId, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const events = await eventsOf(chatId);
    const transfers = events.filter((e) => e.type === 'ConversationTransferred').map((e) => e.data as any);
    expect(transfers.map((t) => [t.from_agent_id, t.reason])).toEqual([
      [a.agentId, 'auto'],
      [b.agentId, 'auto'],
    ]);
    expect(events.filter((e) => e.type === 'AgentAssigned').map((e) => (e.data as any).agent_id)).toEqual([
      a.agentId,
      b.agentId,
    ]);
  });

  it('sends the chats of an agent whose sockets are gone past the grace period back to the queue', async () => {
    const org = await system.createOrganization('Gone');
    const group = await system.createGroup(org.organization_id, 'Support');
    const c = await system.createAgent(org.organization_id, { email: 'c@gone.test', groups: [group] });
    const d = await system.createAgent(org.organization_id, { email: 'd@gone.test', groups: [group] });
    const agentC = await agentSocket(c.token);
    const { chatId } = await customerStarts(org.organization_id, group);
    await agentC.push('incoming_chat', (p) => p.chat_id === chatId);
    await agentC.call('send_event', { chat_id: chatId, event: { type: 'message', text: 'hi', client_id: 'c1' } });
    agentC.drop();
    const agentD = await agentSocket(d.token);
    await agentD.push('incoming_chat', (p) => p.chat_id === chatId, 10_000);
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      const statuses = (await new EventStore(db).readStream(`agent-${c.agentId}`)).map((e) => (e.data as any).to);
      expect(statuses).toEqual(['accepting', 'offline']);
    } finally {
      await db.destroy();
    }
  });

  it('leaves chats of a manual group for agents to pick', async () => {
    const org = await system.createOrganization('Manual');
    const group = await system.createGroup(org.organization_id, 'VIP', 'manual');
    const e = await system.createAgent(org.organization_id, { email: 'e@manual.test', groups: [group] });
    const agent = await agentSocket(e.token);
    const { customer, chatId } = await customerStarts(org.organization_id, group);
    await customer.push('queue_position_updated', (p) => p.chat_id === chatId);
    await agent.push('chat_queued', (p) => p.chat_id === chatId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await eventsOf(chatId)).some((event) => event.type === 'AgentAssigned')).toBe(false);
    await agent.call('join_chat', { chat_id: chatId });
  });

  it('lets a customer nobody can take leave a message, which ends the chat as missed for want of agents', async () => {
    const org = await system.createOrganization('Empty');
    const { customer, chatId } = await customerStarts(org.organization_id);
    const update = await customer.push('queue_position_updated', (p) => p.chat_id === chatId);
    expect(update.agents_available).toBe(false);
    await customer.call('leave_message', { chat_id: chatId, email: 'ann@example.test', text: 'Please call me back' });
    await customer.push('chat_deactivated', (p) => p.chat_id === chatId && p.reason === 'missed');
    expect((await eventsOf(chatId)).map((e) => e.type).slice(-3)).toEqual([
      'OfflineMessageLeft',
      'ConversationMissed',
      'ConversationClosed',
    ]);
    // Without a chat: one is opened for the message.
    const other = await system.connect('customer', await system.customerToken(org.organization_id));
    sockets.push(other);
    const left = await other.call('leave_message', { email: 'bo@example.test', text: 'Anyone?' });
    expect((await eventsOf(left.chat_id)).map((e) => e.type)).toEqual([
      'ConversationStarted',
      'ConversationQueued',
      'OfflineMessageLeft',
      'ConversationMissed',
      'ConversationClosed',
    ]);
  });

  it('transfers by hand only to an agent with room for the chat', async () => {
    const org = await system.createOrganization('Handover');
    const group = await system.createGroup(org.organization_id, 'Support');
    const f = await system.createAgent(org.organization_id, { email: 'f@handover.test', groups: [group], maxChats: 1 });
    const g = await system.createAgent(org.organization_id, { email: 'g@handover.test', groups: [group], maxChats: 1 });
    const agentF = await agentSocket(f.token);
    const first = await customerStarts(org.organization_id, group);
    await agentF.push('incoming_chat', (p) => p.chat_id === first.chatId);
    const agentG = await agentSocket(g.token);
    const second = await customerStarts(org.organization_id, group);
    await agentG.push('incoming_chat', (p) => p.chat_id === second.chatId);
    // G is full: F cannot hand the chat over.
    const refused = await agentF.request('transfer_chat', { chat_id: first.chatId, target: { agent_id: g.agentId } });
    expect(refused.payload.error).toMatchObject({ code: 'conflict', reason: 'agent_at_capacity' });
    await agentG.call('resolve_chat', { chat_id: second.chatId });
    await waitFor(
      async () => {
        const response = await agentF.request('transfer_chat', {
          chat_id: first.chatId,
          target: { agent_id: g.agentId },
          note: 'yours',
        });
        return response.success;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'a transfer once G has room' },
    ); // routing frees G's slot from the resolve event: seconds on a loaded machine
    await agentG.push('incoming_chat', (p) => p.chat_id === first.chatId);
  });
});
