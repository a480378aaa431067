import { ChatSystem, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, EventStore } from '@livedesk/event-store';

// The whole chat loop of the chat-loop issue, over real sockets against the real services:
// a conversation service and two gateway replicas (the customer on one, the agents on the
// other, so that every push crosses replicas).
describe('the live chat loop', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 2 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('runs from a customer writing to a rated, resolved chat, and the stream holds every fact in order', async () => {
    const org = await system.createOrganization('Acme');
    const sales = await system.createGroup(org.organization_id, 'Sales');
    const alice = await system.createAgent(org.organization_id, { email: 'alice@acme.test', groups: [sales] });
    const bob = await system.createAgent(org.organization_id, { email: 'bob@acme.test', groups: [sales] });

    const agentA = await system.connect('agent', alice.token, 1);
    const agentB = await system.connect('agent', bob.token, 1);
    const customerToken = await system.customerToken(org.organization_id);
    const customer = await system.connect('customer', undefined, 0);
    sockets.push(agentA, agentB, customer);
    const login = await customer.login(customerToken);
    expect(login.chats).toEqual([]);

    // The customer starts a chat with a first message and writes again.
    const started = await customer.call('start_chat', {
      group_id: sales,
      message: { text: 'Hello, is anyone there?', client_id: 'c-1' },
      page: { url: 'https://acme.test/pricing', title: 'Pricing' },
    });
    const chatId: string = started.chat_id;
    const sent = await customer.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'I have a question about plans', client_id: 'c-2' },
    });
    expect(sent.event).toMatchObject({
      chat_id: chatId,
      type: 'MessagePosted',
      data: { text: 'I have a question about plans', client_id: 'c-2' },
    });

    // The agent sees it queued, joins and gets the transcript.
    await agentA.push('chat_queued', (p) => p.chat_id === chatId);
    const queued = await agentA.call('list_chats', { filter: 'queued' });
    expect(queued.chats.map((chat: any) => chat.chat_id)).toContain(chatId);
    await agentA.call('join_chat', { chat_id: chatId });
    const incoming = await agentA.push('incoming_chat', (p) => p.chat_id === chatId);
    expect(incoming.chat).toMatchObject({
      chat_id: chatId,
      status: 'active',
      assigned_agent_id: alice.agentId,
      group_id: sales,
    });
    const transcript = await agentA.readChat(chatId);
    expect(transcript.events.filter((e: any) => e.type === 'MessagePosted').map((e: any) => e.data.text)).toEqual([
      'Hello, is anyone there?',
      'I have a question about plans',
    ]);

    // Typing with sneak peek reaches the agent; the agent's typing reaches the customer.
    await customer.call('send_typing', { chat_id: chatId, is_typing: true, preview: 'Which plan fits a team of' });
    const peek = await agentA.push('typing_indicator', (p) => p.chat_id === chatId);
    expect(peek).toEqual({
      chat_id: chatId,
      by: { kind: 'customer', id: login.customer_id },
      is_typing: true,
      preview: 'Which plan fits a team of',
    });
    await agentA.call('send_typing', { chat_id: chatId, is_typing: true });
    const agentTyping = await customer.push('typing_indicator', (p) => p.chat_id === chatId);
    expect(agentTyping).toEqual({ chat_id: chatId, by: { kind: 'agent', id: alice.agentId }, is_typing: true });

    // The agent answers; the customer receives it and reads it.
    const reply = await agentA.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Hi! I am Alice, how can I help?', client_id: 'a-1' },
    });
    const received = await customer.push('incoming_event', (p) => p.event.event_id === reply.event.event_id);
    expect(received).toMatchObject({
      chat_id: chatId,
      version: reply.event.version,
      event: { data: { author: { kind: 'agent', id: alice.agentId } } },
    });
    await customer.call('mark_seen', { chat_id: chatId, seen_up_to: reply.event.data.message_id });
    const seen = await agentA.push('events_seen', (p) => p.chat_id === chatId);
    expect(seen).toMatchObject({
      by: { kind: 'customer', id: login.customer_id },
      seen_up_to: reply.event.data.message_id,
    });

    // Alice transfers to Bob with a note; Bob reads the whole transcript, the customer never sees the note.
    await agentA.call('transfer_chat', {
      chat_id: chatId,
      target: { agent_id: bob.agentId },
      note: 'Enterprise lead, be nice',
    });
    const toBob = await agentB.push('incoming_chat', (p) => p.chat_id === chatId);
    expect(toBob.chat.assigned_agent_id).toBe(bob.agentId);
    const transferred = await customer.push('chat_transferred', (p) => p.chat_id === chatId);
    expect(transferred).toMatchObject({ from_agent_id: alice.agentId, to_agent_id: bob.agentId, reason: 'manual' });
    const bobsView = await agentB.readChat(chatId);
    expect(bobsView.events.filter((e: any) => e.type === 'MessagePosted').map((e: any) => e.data.text)).toEqual([
      'Hello, is anyone there?',
      'I have a question about plans',
      'Hi! I am Alice, how can I help?',
    ]);
    expect(bobsView.events.find((e: any) => e.type === 'ConversationTransferred').data.note).toBe(
      'Enterprise lead, be nice',
    );
    const customersView = await customer.readChat(chatId);
    expect(customersView.events.find((e: any) => e.type === 'ConversationTransferred').data.note).toBeUndefined();
    // Alice no longer holds the chat.
    const refused = await agentA.request('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'still here?', client_id: 'a-2' },
    });
    expect(refused.payload.error).toMatchObject({ code: 'authorization', reason: 'not_assigned' });

    await agentB.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Bob here, let me set that up.', client_id: 'b-1' },
    });
    await agentB.call('resolve_chat', { chat_id: chatId });
    const deactivated = await customer.push('chat_deactivated', (p) => p.chat_id === chatId);
    expect(deactivated.reason).toBe('resolved');
    await customer.call('rate_chat', { chat_id: chatId, score: 5, comment: 'Quick and kind' });
    await agentB.push('incoming_event', (p) => p.chat_id === chatId && p.event.type === 'ConversationRated');

    // Every push about the chat carried its chat id and a version.
    for (const socket of [customer, agentA, agentB]) {
      for (const push of socket.pushes().filter((p) => p.chat_id === chatId && p.version !== undefined)) {
        expect(Number.isInteger(push.version)).toBe(true);
      }
    }

    // The gateway counts what it did (Prometheus), on the replica that held the agents.
    const metrics = await (await fetch(`${system.gatewayUrl(1)}/metrics`)).text();
    expect(metrics).toMatch(/rtm_connections\{endpoint="agent"[^}]*\} 2/);
    expect(metrics).toMatch(/rtm_requests_total\{endpoint="agent",action="join_chat",outcome="ok"[^}]*\} 1/);
    expect(metrics).toMatch(
      /rtm_requests_total\{endpoint="agent",action="send_event",outcome="authorization"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/rtm_pushes_total\{action="incoming_chat"[^}]*\} 2/);

    const db = createDatabase(system.database.url, { max: 1 });
    try {
      const events = await new EventStore(db).readStream(`conversation-${chatId}`);
      expect(events.map((event) => event.type)).toEqual([
        'ConversationStarted',
        'MessagePosted',
        'ConversationQueued',
        'MessagePosted',
        'AgentAssigned',
        'MessagePosted',
        'MessagesSeen',
        'ConversationTransferred',
        'AgentAssigned',
        'MessagePosted',
        'ConversationResolved',
        'ConversationRated',
      ]);
      expect(events.map((event) => event.streamVersion)).toEqual(events.map((_, index) => index + 1));
      expect(new Set(events.map((event) => event.organizationId))).toEqual(new Set([org.organization_id]));
    } finally {
      await db.destroy();
    }
  });

  it('shows agents the visitors on the site, and lets them greet one', async () => {
    const org = await system.createOrganization('Shop');
    const agent = await system.createAgent(org.organization_id, { email: 'greeter@shop.test' });
    const agentSocket = await system.connect('agent', agent.token, 0);
    const visitorSocket = await system.connect('customer', await system.customerToken(org.organization_id), 1);
    sockets.push(agentSocket, visitorSocket);
    const { visitor_id: visitorId } = await visitorSocket.call('update_visit', {
      url: 'https://shop.test/shoes',
      title: 'Shoes',
      referrer: 'https://search.test',
    });
    const seen = await agentSocket.push('visitor_updated', (p) => p.visitor_id === visitorId);
    expect(seen).toMatchObject({ url: 'https://shop.test/shoes', title: 'Shoes', referrer: 'https://search.test' });
    const { visitors } = await agentSocket.call('list_visitors', {});
    expect(visitors.map((v: any) => [v.visitor_id, v.url])).toEqual([[visitorId, 'https://shop.test/shoes']]);
    const { greeting_id: greetingId } = await agentSocket.call('send_greeting', {
      visitor_id: visitorId,
      text: 'Looking for running shoes?',
    });
    expect(await visitorSocket.push('incoming_greeting', (p) => p.greeting_id === greetingId)).toEqual({
      greeting_id: greetingId,
      agent_id: agent.agentId,
      text: 'Looking for running shoes?',
    });
    const unknown = await agentSocket.request('send_greeting', { visitor_id: 'nobody', text: 'hi' });
    expect(unknown.payload.error).toMatchObject({ code: 'not_found', reason: 'visitor_not_found' });
  });

  it("lists the organization's shared canned responses and the agent's own", async () => {
    const org = await system.createOrganization('Canned');
    const other = await system.createOrganization('Elsewhere');
    const ann = await system.createAgent(org.organization_id, { email: 'ann@canned.test' });
    const ben = await system.createAgent(org.organization_id, { email: 'ben@canned.test' });
    const stranger = await system.createAgent(other.organization_id, { email: 'x@elsewhere.test' });
    const path = `/v1/organizations/${org.organization_id}/canned_responses`;
    expect((await system.post(path, { shortcut: '#hello', text: 'Hi! How can I help?' })).status).toBe(201);
    expect((await system.post(path, { shortcut: 'bye', text: 'Have a nice day.' })).status).toBe(201);
    expect((await system.post(path, { shortcut: 'bye', text: 'Bye from Ann!', agent_id: ann.agentId })).status).toBe(
      201,
    );
    expect((await system.post(path, { shortcut: 'mine', text: "Ben's own", agent_id: ben.agentId })).status).toBe(201);
    expect((await system.post(path, { shortcut: 'hello', text: 'again' })).status).toBe(409);
    expect((await system.post(path, { shortcut: 'x', text: 'x', agent_id: stranger.agentId })).status).toBe(400);
    expect((await system.post(path, { shortcut: 'has space', text: 'x' })).status).toBe(400);
    const socket = await system.connect('agent', ann.token);
    sockets.push(socket);
    const { canned_responses: responses } = await socket.call('list_canned_responses', {});
    expect(responses.map((r: any) => [r.shortcut, r.text, r.scope])).toEqual([
      ['#bye', 'Bye from Ann!', 'personal'],
      ['#hello', 'Hi! How can I help?', 'shared'],
    ]);
  });
});
