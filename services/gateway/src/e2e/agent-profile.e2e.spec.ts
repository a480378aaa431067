import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';

// Agents' display name and avatar as customers see them, over real sockets: in the customer's
// pushes and get_chat answers, changed at once by a PATCH, never the agent's email or internal
// name; and the PATCH's refusals.
describe("agents' public profile", () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  async function connect(endpoint: 'customer' | 'agent', token: string): Promise<RtmTestClient> {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  }

  function patchAgent(
    organizationId: string,
    agentId: string,
    body: unknown,
    token = system.adminToken,
  ): Promise<{ status: number; body: any }> {
    return fetch(`${system.gatewayUrl()}/v1/organizations/${organizationId}/agents/${agentId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: await response.json() }));
  }

  beforeAll(async () => {
    system = await ChatSystem.start({ routing: 1 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it("the customer's pushes and get_chat carry the display name and avatar of the agent assigned, writing and transferred to; a PATCH shows at once", async () => {
    const org = await system.createOrganization('Profiles');
    const ada = await system.createAgent(org.organization_id, {
      email: 'ada.private@profiles.test',
      name: 'Ada Lovelace (night shift)',
      groups: [org.default_group_id],
    });
    const grace = await system.createAgent(org.organization_id, {
      email: 'grace@profiles.test',
      name: 'Grace Hopper',
      groups: [org.default_group_id],
    });
    const patched = await patchAgent(org.organization_id, ada.agentId, {
      display_name: '  Ada  ',
      avatar_url: 'https://cdn.example/ada.png',
    });
    expect(patched).toEqual({
      status: 200,
      body: {
        agent_id: ada.agentId,
        email: 'ada.private@profiles.test',
        name: 'Ada Lovelace (night shift)',
        display_name: 'Ada',
        avatar_url: 'https://cdn.example/ada.png',
        role: 'agent',
        kind: 'human',
        max_chats: null,
        groups: [org.default_group_id],
        disabled: false,
        daily_summary: false,
        created_at: expect.any(String),
      },
    });

    const adaSocket = await connect('agent', ada.token);
    await adaSocket.call('set_routing_status', { status: 'accepting' });
    const customer = await connect('customer', await system.customerToken(org.organization_id));
    const { chat_id: chatId } = await customer.call('start_chat', { message: { text: 'Hello', client_id: 'c-1' } });

    const assigned = await customer.push(
      'incoming_event',
      (payload) => payload.chat_id === chatId && payload.event.type === 'AgentAssigned',
    );
    expect(assigned.event.agent).toEqual({ display_name: 'Ada', avatar_url: 'https://cdn.example/ada.png' });
    await adaSocket.push('incoming_chat', (payload) => payload.chat_id === chatId);
    await adaSocket.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Hi, Ada here', client_id: 'a-1' },
    });
    const written = await customer.push(
      'incoming_event',
      (payload) => payload.chat_id === chatId && payload.event.data.text === 'Hi, Ada here',
    );
    expect(written.event.agent).toEqual({ display_name: 'Ada', avatar_url: 'https://cdn.example/ada.png' });

    const page = await customer.call('get_chat', { chat_id: chatId });
    const byType = (events: any[], type: string) => events.filter((event) => event.type === type);
    expect(byType(page.events, 'AgentAssigned').map((event: any) => event.agent)).toEqual([
      { display_name: 'Ada', avatar_url: 'https://cdn.example/ada.png' },
    ]);
    expect(
      byType(page.events, 'MessagePosted').map((event: any) => [event.data.text, event.agent?.display_name]),
    ).toEqual([
      ['Hello', undefined],
      ['Hi, Ada here', 'Ada'],
    ]);
    // Nothing the customer receives names the agent's email or internal name.
    const everything = JSON.stringify([customer.pushes(), page]);
    expect(everything).not.toContain('ada.private');
    expect(everything).not.toContain('Lovelace');
    // Agents read the chat as it is stored: no profile added.
    const agentPage = await adaSocket.call('get_chat', { chat_id: chatId });
    expect(agentPage.events.some((event: any) => 'agent' in event)).toBe(false);

    // A new display name shows in the next push (the gateway's cache forgets the agent).
    expect((await patchAgent(org.organization_id, ada.agentId, { display_name: 'Ada L.' })).status).toBe(200);
    await adaSocket.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Still me', client_id: 'a-2' },
    });
    const renamed = await customer.push(
      'incoming_event',
      (payload) => payload.chat_id === chatId && payload.event.data.text === 'Still me',
    );
    expect(renamed.event.agent).toEqual({ display_name: 'Ada L.', avatar_url: 'https://cdn.example/ada.png' });
    // Cleared, the display name falls back to the name, and the avatar goes.
    expect(
      (await patchAgent(org.organization_id, ada.agentId, { display_name: null, avatar_url: null })).body,
    ).toMatchObject({ display_name: null, avatar_url: null });
    const again = await customer.call('get_chat', { chat_id: chatId });
    expect(byType(again.events, 'AgentAssigned')[0].agent).toEqual({
      display_name: 'Ada Lovelace (night shift)',
      avatar_url: null,
    });

    // A transfer: the customer learns whom the chat went to.
    expect(
      (
        await patchAgent(org.organization_id, grace.agentId, {
          display_name: 'Grace',
          avatar_url: 'http://localhost:8080/grace.png',
        })
      ).status,
    ).toBe(200);
    await adaSocket.call('transfer_chat', {
      chat_id: chatId,
      target: { agent_id: grace.agentId },
      note: 'VIP, be kind',
    });
    const transferred = await customer.push('chat_transferred', (payload) => payload.chat_id === chatId);
    expect(transferred).toMatchObject({
      to_agent_id: grace.agentId,
      agent: { display_name: 'Grace', avatar_url: 'http://localhost:8080/grace.png' },
    });
    const afterTransfer = await waitFor(
      async () => {
        const { events } = await customer.call('get_chat', { chat_id: chatId });
        return byType(events, 'ConversationTransferred').length === 1 && events;
      },
      { what: 'the transfer in get_chat' },
    );
    const transferEvent = byType(afterTransfer, 'ConversationTransferred')[0];
    expect(transferEvent.agent).toEqual({ display_name: 'Grace', avatar_url: 'http://localhost:8080/grace.png' });
    expect(transferEvent.data.note).toBeUndefined();
    expect(JSON.stringify(afterTransfer)).not.toContain('grace@');
  });

  it('list_agents answers the display name (the name when none) and the avatar', async () => {
    const org = await system.createOrganization('Listing');
    const lin = await system.createAgent(org.organization_id, {
      email: 'lin@listing.test',
      name: 'Lin Internal',
      groups: [org.default_group_id],
    });
    const max = await system.createAgent(org.organization_id, {
      email: 'max@listing.test',
      name: 'Max',
      groups: [org.default_group_id],
    });
    expect(
      (
        await patchAgent(org.organization_id, lin.agentId, {
          display_name: 'Lin',
          avatar_url: 'https://cdn.example/lin.webp',
        })
      ).status,
    ).toBe(200);
    const socket = await connect('agent', max.token);
    const { agents } = await socket.call('list_agents', {});
    const of = (agentId: string) => agents.find((agent: any) => agent.agent_id === agentId);
    expect(of(lin.agentId)).toMatchObject({
      name: 'Lin Internal',
      display_name: 'Lin',
      avatar_url: 'https://cdn.example/lin.webp',
    });
    expect(of(max.agentId)).toMatchObject({ name: 'Max', display_name: 'Max', avatar_url: null });
  });

  it('refuses what is not an https avatar URL or a bounded display name (400 validation), another organization’s agent and an unknown one (404), no token (401)', async () => {
    const org = await system.createOrganization('Refusals');
    const other = await system.createOrganization('Elsewhere');
    const agent = await system.createAgent(org.organization_id, { email: 'kim@refusals.test', name: 'Kim' });
    const stranger = await system.createAgent(other.organization_id, { email: 'sam@elsewhere.test', name: 'Sam' });
    const admin = await system.createAgent(org.organization_id, {
      email: 'boss@refusals.test',
      name: 'Boss',
      role: 'admin',
    });
    for (const avatar_url of [
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'http://cdn.example/kim.png',
      'ftp://cdn.example/kim.png',
      '/avatars/kim.png',
      'https://user:secret@cdn.example/kim.png',
      `https://cdn.example/${'a'.repeat(2048)}.png`,
      42,
    ]) {
      const refused = await patchAgent(org.organization_id, agent.agentId, { avatar_url });
      expect([String(avatar_url).slice(0, 40), refused.status, refused.body.error?.code]).toEqual([
        String(avatar_url).slice(0, 40),
        400,
        'validation',
      ]);
    }
    for (const body of [
      { display_name: '' },
      { display_name: '   ' },
      { display_name: 'x'.repeat(101) },
      { display_name: 'a\u0000b' },
      {},
      { email: 'new@refusals.test' },
      { name: '' },
    ]) {
      expect([body, (await patchAgent(org.organization_id, agent.agentId, body)).status]).toEqual([body, 400]);
    }
    // Nothing was changed by the refusals.
    expect((await patchAgent(org.organization_id, agent.agentId, { disabled: false })).body).toEqual({
      agent_id: agent.agentId,
      email: 'kim@refusals.test',
      name: 'Kim',
      display_name: null,
      avatar_url: null,
      role: 'agent',
      kind: 'human',
      max_chats: null,
      groups: [],
      disabled: false,
      daily_summary: false,
      created_at: expect.any(String),
    });
    // Another organization's agent through this organization's path, by the installation admin and by this organization's admin.
    expect((await patchAgent(org.organization_id, stranger.agentId, { display_name: 'Hijacked' })).status).toBe(404);
    expect(
      (await patchAgent(org.organization_id, stranger.agentId, { display_name: 'Hijacked' }, admin.token)).status,
    ).toBe(404);
    expect((await patchAgent(org.organization_id, 'no-such-agent', { display_name: 'Nobody' })).status).toBe(404);
    // This organization's admin may not reach into the other organization at all.
    expect(
      (await patchAgent(other.organization_id, stranger.agentId, { display_name: 'Hijacked' }, admin.token)).status,
    ).toBe(403);
    expect((await patchAgent(org.organization_id, agent.agentId, { display_name: 'Kim' }, '')).status).toBe(401);
    // The organization admin may set a profile; localhost may be plain http (development).
    expect(
      await patchAgent(
        org.organization_id,
        agent.agentId,
        { display_name: 'Kim K.', avatar_url: 'http://127.0.0.1:5173/kim.png' },
        admin.token,
      ),
    ).toMatchObject({
      status: 200,
      body: { display_name: 'Kim K.', avatar_url: 'http://127.0.0.1:5173/kim.png' },
    });
    const strangerSocket = await connect('agent', stranger.token);
    const { agents } = await strangerSocket.call('list_agents', {});
    expect(agents.map((listed: any) => listed.display_name)).toEqual(['Sam']);
  });
});
