import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, EventStore } from '@livedesk/event-store';
import { ChatSystem, type RtmTestClient } from '@livedesk/testing';

// Tags on chats (docs/protocol.md, Tags) over real sockets and HTTP against the real services:
// the organization's tag list kept by its admins (events of the organization's stream), tagging
// and untagging by the agents who may (events of the chat's stream), `chat_tagged` /
// `chat_untagged` to the agents who see the chat and never to the customer, the `tag` filter of
// `list_chats`, and bad input of every kind answered with a clear error and changing nothing.
describe('tags on chats', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];
  const open = async (endpoint: 'customer' | 'agent', token: string) => {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  };
  const http = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, token?: string) =>
    system.call(system.gateways[0]!, method, path, body, token);

  async function expectRefused(
    socket: RtmTestClient,
    action: string,
    payload: unknown,
    error: Record<string, unknown>,
  ) {
    const response = await socket.request(action, payload);
    expect(response).toMatchObject({ action, success: false, payload: { error } });
  }

  async function streamTypes(streamId: string): Promise<string[]> {
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      return (await new EventStore(db).readStream(streamId)).map((event) => event.type);
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    system = await ChatSystem.start();
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it("keeps the organization's tag list over HTTP for its admins, each change an event of its stream", async () => {
    const org = await system.createOrganization('Tag list');
    const other = await system.createOrganization('Other');
    const admin = await system.createAgent(org.organization_id, { email: 'admin@taglist.test', role: 'admin' });
    const agent = await system.createAgent(org.organization_id, { email: 'agent@taglist.test' });
    const otherAdmin = await system.createAgent(other.organization_id, {
      email: 'admin@other-taglist.test',
      role: 'admin',
    });
    const path = `/v1/organizations/${org.organization_id}/tags`;

    expect(await http('GET', path, undefined, admin.token)).toMatchObject({ status: 200, body: { tags: [] } });
    const vip = await http('POST', path, { name: 'vip' }, admin.token);
    expect(vip).toMatchObject({ status: 201, body: { name: 'vip' } });
    expect(Date.parse(vip.body.created_at)).not.toBeNaN();
    expect(await http('POST', path, { name: '  refund ' })).toMatchObject({ status: 201, body: { name: 'refund' } });

    // Refused, each changing nothing: a duplicate, bad bodies, callers who may not.
    expect(await http('POST', path, { name: 'vip' }, admin.token)).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', reason: 'tag_exists' } },
    });
    for (const body of [
      {},
      { name: 5 },
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(65) },
      { name: 'ok', colour: 'red' },
      { name: 'nul\u0000' },
    ]) {
      expect(await http('POST', path, body, admin.token)).toMatchObject({
        status: 400,
        body: { error: { code: 'validation' } },
      });
    }
    expect(await http('POST', path, { name: 'sneaky' }, agent.token)).toMatchObject({ status: 403 });
    expect(await http('POST', path, { name: 'sneaky' }, otherAdmin.token)).toMatchObject({ status: 404 });
    expect(await http('GET', path, undefined, otherAdmin.token)).toMatchObject({ status: 404 });
    expect(await http('POST', path, { name: 'sneaky' }, '')).toMatchObject({ status: 401 });
    expect(await http('POST', `/v1/organizations/no-such-organization/tags`, { name: 'vip' })).toMatchObject({
      status: 404,
    });
    expect(await http('DELETE', `${path}/nope`, undefined, admin.token)).toMatchObject({
      status: 404,
      body: { error: { reason: 'tag_not_found' } },
    });
    expect(await http('DELETE', `${path}/vip`, undefined, otherAdmin.token)).toMatchObject({ status: 404 });

    const listed = await http('GET', path, undefined, admin.token);
    expect(listed.body.tags.map((tag: { name: string }) => tag.name)).toEqual(['vip', 'refund']);

    // Deleted by name in the path (URL-encoded) or in the body.
    expect(await http('POST', path, { name: 'late delivery' }, admin.token)).toMatchObject({ status: 201 });
    expect(
      await http('DELETE', `${path}/${encodeURIComponent('late delivery')}`, undefined, admin.token),
    ).toMatchObject({ status: 204 });
    expect(await http('DELETE', path, { name: 'refund' }, admin.token)).toMatchObject({ status: 204 });
    expect((await http('GET', path)).body.tags.map((tag: { name: string }) => tag.name)).toEqual(['vip']);

    // The tag list's changes among the organization's (its groups and agents are events of it too).
    expect(
      (await streamTypes(`organization-${org.organization_id}`)).filter(
        (type) => !['GroupSaved', 'AgentSaved'].includes(type),
      ),
    ).toEqual([
      'OrganizationCreated',
      'OrganizationTagAdded',
      'OrganizationTagAdded',
      'OrganizationTagAdded',
      'OrganizationTagRemoved',
      'OrganizationTagRemoved',
    ]);
  }, 120_000);

  it('tags and untags a chat for the agents who see it, never for the customer, and refuses bad input without changing anything', async () => {
    const org = await system.createOrganization('Tags');
    const other = await system.createOrganization('Elsewhere');
    const sales = await system.createGroup(org.organization_id, 'Sales', 'manual');
    const aliceAccount = await system.createAgent(org.organization_id, { email: 'alice@tags.test', groups: [sales] });
    const bobAccount = await system.createAgent(org.organization_id, { email: 'bob@tags.test', groups: [sales] });
    const sueAccount = await system.createAgent(org.organization_id, { email: 'sue@tags.test', role: 'supervisor' });
    const strangerAccount = await system.createAgent(other.organization_id, {
      email: 'sam@elsewhere.test',
      role: 'supervisor',
    });
    for (const name of ['vip', 'refund']) {
      expect((await http('POST', `/v1/organizations/${org.organization_id}/tags`, { name })).status).toBe(201);
    }
    // The other organization lists `vip` too: its agents still cannot tag this organization's chats.
    expect((await http('POST', `/v1/organizations/${other.organization_id}/tags`, { name: 'vip' })).status).toBe(201);

    const alice = await open('agent', aliceAccount.token);
    const bob = await open('agent', bobAccount.token);
    const sue = await open('agent', sueAccount.token);
    const stranger = await open('agent', strangerAccount.token);
    const customer = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: sales,
      message: { text: 'Where is my parcel?', client_id: 'c-1' },
    });
    const joined = await alice.call('join_chat', { chat_id: chatId });

    const tagged = await alice.call('tag_chat', { chat_id: chatId, tag: 'vip' });
    expect(tagged).toEqual({ chat_id: chatId, version: joined.version + 1, tags: ['vip'] });
    expect(await sue.push('chat_tagged', (p) => p.chat_id === chatId)).toEqual({
      chat_id: chatId,
      version: tagged.version,
      tag: 'vip',
    });
    // The agent who tagged hears of it too, like every agent who sees the chat.
    expect(await alice.push('chat_tagged', (p) => p.chat_id === chatId)).toEqual({
      chat_id: chatId,
      version: tagged.version,
      tag: 'vip',
    });

    // A tag the chat has already: nothing stored, the same answer.
    expect(await alice.call('tag_chat', { chat_id: chatId, tag: 'vip' })).toEqual(tagged);

    // Refusals, each leaving the chat as it is.
    await expectRefused(
      alice,
      'tag_chat',
      { chat_id: chatId, tag: 'nope' },
      { code: 'not_found', reason: 'unknown_tag' },
    );
    await expectRefused(
      alice,
      'tag_chat',
      { chat_id: chatId, tag: 5 },
      { code: 'validation', reason: 'invalid_payload' },
    );
    await expectRefused(alice, 'tag_chat', { chat_id: chatId }, { code: 'validation', reason: 'invalid_payload' });
    await expectRefused(
      alice,
      'tag_chat',
      { chat_id: chatId, tag: '' },
      { code: 'validation', reason: 'invalid_payload' },
    );
    await expectRefused(
      alice,
      'tag_chat',
      { chat_id: chatId, tag: 'vip', colour: 'red' },
      { code: 'validation', reason: 'invalid_payload' },
    );
    await expectRefused(
      alice,
      'tag_chat',
      { chat_id: ['x'], tag: 'vip' },
      { code: 'validation', reason: 'invalid_payload' },
    );
    await expectRefused(
      alice,
      'tag_chat',
      { chat_id: 'no-such-chat', tag: 'vip' },
      { code: 'not_found', reason: 'chat_not_found' },
    );
    await expectRefused(
      bob,
      'tag_chat',
      { chat_id: chatId, tag: 'refund' },
      { code: 'authorization', reason: 'not_assigned' },
    );
    await expectRefused(
      stranger,
      'tag_chat',
      { chat_id: chatId, tag: 'vip' },
      { code: 'not_found', reason: 'chat_not_found' },
    );
    await expectRefused(
      stranger,
      'tag_chat',
      { chat_id: chatId, tag: 'refund' },
      { code: 'not_found', reason: 'unknown_tag' },
    );
    await expectRefused(
      stranger,
      'untag_chat',
      { chat_id: chatId, tag: 'vip' },
      { code: 'not_found', reason: 'chat_not_found' },
    );
    await expectRefused(
      customer,
      'tag_chat',
      { chat_id: chatId, tag: 'refund' },
      { code: 'validation', reason: 'unknown_action' },
    );
    await expectRefused(
      customer,
      'untag_chat',
      { chat_id: chatId, tag: 'vip' },
      { code: 'validation', reason: 'unknown_action' },
    );
    const unchanged = await sue.call('get_chat', { chat_id: chatId, since_version: tagged.version });
    expect(unchanged).toMatchObject({ events: [], chat: { version: tagged.version, tags: ['vip'] } });

    // A supervisor tags any chat of the organization.
    const second = await sue.call('tag_chat', { chat_id: chatId, tag: 'refund' });
    expect(second).toEqual({ chat_id: chatId, version: tagged.version + 1, tags: ['vip', 'refund'] });
    await alice.push('chat_tagged', (p) => p.tag === 'refund');

    // list_chats: the tags for agents, and the tag filter.
    const byVip = await sue.call('list_chats', { filter: 'all', tag: 'vip' });
    expect(byVip.chats.map((chat: { chat_id: string }) => chat.chat_id)).toEqual([chatId]);
    expect(byVip.chats[0].tags).toEqual(['vip', 'refund']);
    const mine = await alice.call('list_chats', { tag: 'refund' });
    expect(mine.chats.map((chat: { chat_id: string }) => chat.chat_id)).toEqual([chatId]);
    expect((await sue.call('list_chats', { filter: 'all', tag: 'other' })).chats).toEqual([]);
    await expectRefused(
      sue,
      'list_chats',
      { filter: 'all', tag: 7 },
      { code: 'validation', reason: 'invalid_payload' },
    );
    expect((await stranger.call('list_chats', { filter: 'all', tag: 'vip' })).chats).toEqual([]);

    // Untagging: pushed as chat_untagged; a tag the chat does not have stores nothing.
    const untagged = await alice.call('untag_chat', { chat_id: chatId, tag: 'vip' });
    expect(untagged).toEqual({ chat_id: chatId, version: second.version + 1, tags: ['refund'] });
    expect(await sue.push('chat_untagged', (p) => p.chat_id === chatId)).toEqual({
      chat_id: chatId,
      version: untagged.version,
      tag: 'vip',
    });
    expect(await alice.call('untag_chat', { chat_id: chatId, tag: 'vip' })).toEqual(untagged);
    await expectRefused(
      alice,
      'untag_chat',
      { chat_id: chatId, tag: 'nope' },
      { code: 'not_found', reason: 'unknown_tag' },
    );
    await expectRefused(
      bob,
      'untag_chat',
      { chat_id: chatId, tag: 'refund' },
      { code: 'authorization', reason: 'not_assigned' },
    );
    await expectRefused(
      alice,
      'untag_chat',
      { chat_id: chatId, tag: null },
      { code: 'validation', reason: 'invalid_payload' },
    );

    // A tag deleted from the list: no chat takes it any more, but the chats carrying it can drop it.
    expect((await http('DELETE', `/v1/organizations/${org.organization_id}/tags/refund`)).status).toBe(204);
    await expectRefused(
      sue,
      'tag_chat',
      { chat_id: chatId, tag: 'refund' },
      { code: 'not_found', reason: 'unknown_tag' },
    );
    await alice.call('resolve_chat', { chat_id: chatId });
    // Wrap-up: the agent who served the resolved chat still tags it.
    const wrapUp = await alice.call('untag_chat', { chat_id: chatId, tag: 'refund' });
    expect(wrapUp.tags).toEqual([]);

    // The customer never saw a tag: no push, no event in their get_chat, no tags in their summaries.
    const customerPushes = customer.frames.filter((frame) => frame.type === 'push');
    expect(customerPushes.map((frame) => frame.action)).not.toContain('chat_tagged');
    expect(customerPushes.map((frame) => frame.action)).not.toContain('chat_untagged');
    expect(JSON.stringify(customerPushes)).not.toMatch(/Tag(Added|Removed)/);
    const customersView = await customer.readChat(chatId);
    expect(customersView.events.map((event: { type: string }) => event.type)).not.toContain('TagAdded');
    expect(customersView.chat).not.toHaveProperty('tags');
    const customersList = await customer.call('list_chats', {});
    expect(customersList.chats[0]).not.toHaveProperty('tags');
    await expectRefused(customer, 'list_chats', { tag: 'vip' }, { code: 'validation', reason: 'invalid_payload' });

    // Each change is one event of the chat's stream; refusals and repeats stored nothing.
    const types = await streamTypes(`conversation-${chatId}`);
    expect(types.filter((type) => type === 'TagAdded' || type === 'TagRemoved')).toEqual([
      'TagAdded',
      'TagAdded',
      'TagRemoved',
      'TagRemoved',
    ]);
  }, 120_000);

  it("the SDK's typed methods tag, untag and ban, and its agents hear of the tags", async () => {
    const org = await system.createOrganization('SDK tags');
    await system.createAgent(org.organization_id, { email: 'sue@sdk-tags.test', role: 'supervisor' });
    expect((await http('POST', `/v1/organizations/${org.organization_id}/tags`, { name: 'vip' })).status).toBe(201);
    const customer = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: chatId } = await customer.call('start_chat', { message: { text: 'Hi', client_id: 'c-1' } });
    const customerId = (await customer.call('list_chats', {})).chats[0].customer_id as string;
    const sue = system.agentClient('sue@sdk-tags.test');
    const heard: string[] = [];
    sue.on('chat_tagged', (push) => heard.push(`+${push.tag}`));
    sue.on('chat_untagged', (push) => heard.push(`-${push.tag}`));
    try {
      await sue.connect();
      expect((await sue.tagChat(chatId, 'vip')).tags).toEqual(['vip']);
      expect((await sue.untagChat(chatId, 'vip')).tags).toEqual([]);
      await expect(sue.tagChat(chatId, 'nope')).rejects.toMatchObject({ code: 'not_found', reason: 'unknown_tag' });
      const until = (await sue.banCustomer(customerId, { seconds: 60, reason: 'spam' })).banned_until;
      expect(Date.parse(until!)).toBeGreaterThan(Date.now());
      expect((await customer.closed).code).toBe(4004);
      expect(await sue.unbanCustomer(customerId)).toEqual({ customer_id: customerId, banned: false });
      const deadline = Date.now() + 10_000;
      while (heard.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard).toEqual(['+vip', '-vip']);
    } finally {
      sue.close();
    }
  }, 120_000);
});
