import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';

// The PATCH of an agent's chat limit, groups and role (docs/protocol.md v1.1, "Organization
// settings and administration"), over real sockets: each takes effect at once where it is used
// (what routing assigns, the gateway's checks of an open socket), and the PATCH's refusals. The
// gateways' periodic presence reports, which would also carry a new profile to routing, are made
// rare here, so that only the change signal can explain what routing does.
describe('administering agents: chat limit, groups and role', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  async function connect(endpoint: 'customer' | 'agent', token: string): Promise<RtmTestClient> {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  }

  async function http(
    method: 'GET' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    token: string | null = system.adminToken,
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${system.gatewayUrl()}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  const patchAgent = (organizationId: string, agentId: string, body: unknown, token?: string | null) =>
    http('PATCH', `/v1/organizations/${organizationId}/agents/${agentId}`, body, token);

  /** A new customer's chat, in `groupId` or the organization's default group. */
  async function startChat(organizationId: string, text: string, groupId?: string): Promise<string> {
    const customer = await connect('customer', await system.customerToken(organizationId));
    const { chat_id: chatId } = await customer.call('start_chat', {
      message: { text, client_id: `c-${text}` },
      ...(groupId ? { group_id: groupId } : {}),
    });
    return chatId as string;
  }

  /** Routing's counts of the organization's groups, as an agent's `list_groups` shows them. */
  async function groupCounts(socket: RtmTestClient): Promise<Record<string, [number | null, number | null]>> {
    const { groups } = await socket.call('list_groups', {});
    return Object.fromEntries(
      groups.map((group: any) => [group.group_id, [group.agents_accepting, group.chats_queued]]),
    );
  }

  beforeAll(async () => {
    system = await ChatSystem.start({
      routing: 1,
      env: { RTM_PRESENCE_REFRESH_SECONDS: '1800', ROUTING_PRESENCE_REFRESH_SECONDS: '3600' },
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('a PATCH of max_chats and groups changes what routing assigns at once', async () => {
    const org = await system.createOrganization('Capacity');
    const organizationId = org.organization_id;
    const sales = await system.createGroup(organizationId, 'Sales');
    const ada = await system.createAgent(organizationId, {
      email: 'ada@capacity.test',
      groups: [org.default_group_id],
      maxChats: 1,
    });
    const adaSocket = await connect('agent', ada.token);
    await adaSocket.call('set_routing_status', { status: 'accepting' });
    const assignedTo = (chatId: string) => adaSocket.push('incoming_chat', (payload) => payload.chat_id === chatId);
    const offered = (chatId: string) =>
      adaSocket.pushes('incoming_chat').some((payload: any) => payload.chat_id === chatId);

    const first = await startChat(organizationId, 'first');
    await assignedTo(first);
    // At her limit of 1, the second chat waits.
    const second = await startChat(organizationId, 'second');
    await waitFor(async () => (await groupCounts(adaSocket))[org.default_group_id]?.[1] === 1, {
      what: 'the second chat queued',
    });
    expect(offered(second)).toBe(false);

    const raised = await patchAgent(organizationId, ada.agentId, { max_chats: 2 });
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({ agent_id: ada.agentId, max_chats: 2, groups: [org.default_group_id] });
    await assignedTo(second);

    // A chat of Sales waits while nobody is in Sales; it goes to Ada once she is put in it.
    const third = await startChat(organizationId, 'third', sales);
    await waitFor(async () => (await groupCounts(adaSocket))[sales]?.[1] === 1, { what: 'the Sales chat queued' });
    expect(offered(third)).toBe(false);
    const joined = await patchAgent(organizationId, ada.agentId, {
      groups: [sales, org.default_group_id],
      max_chats: 5,
    });
    expect(joined.body.groups).toEqual([sales, org.default_group_id].sort());
    await assignedTo(third);

    // Taken out of the default group: its chats wait rather than go to her, though she has room.
    expect((await patchAgent(organizationId, ada.agentId, { groups: [sales] })).status).toBe(200);
    await waitFor(
      async () => {
        const counts = await groupCounts(adaSocket);
        return counts[org.default_group_id]?.[0] === 0 && counts[sales]?.[0] === 1;
      },
      { what: 'Ada accepting in Sales only' },
    );
    const fourth = await startChat(organizationId, 'fourth');
    await waitFor(async () => (await groupCounts(adaSocket))[org.default_group_id]?.[1] === 1, {
      what: 'the fourth chat queued',
    });
    expect(offered(fourth)).toBe(false);

    // Each change is in the organization's audit log, with its author.
    const audit = await http('GET', `/v1/organizations/${organizationId}/audit?limit=3`);
    const deleteGroup = async (groupId: string) =>
      (
        await fetch(`${system.gatewayUrl()}/v1/organizations/${organizationId}/groups/${groupId}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${system.adminToken}` },
        })
      ).status;

    // A group that chats wait in, or that agents are in, is not deleted (409); an unused one is.
    const empty = await system.createGroup(organizationId, 'Nobody here');
    const waiting = await startChat(organizationId, 'waiting', empty);
    await waitFor(async () => (await groupCounts(adaSocket))[empty]?.[1] === 1, {
      what: 'a chat queued in the empty group',
    });
    const refused = await fetch(`${system.gatewayUrl()}/v1/organizations/${organizationId}/groups/${empty}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${system.adminToken}` },
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as any).error.reason).toBe('group_has_queued_chats');
    expect(offered(waiting)).toBe(false);
    expect(await deleteGroup(sales)).toBe(409);
    const spare = await system.createGroup(organizationId, 'Spare');
    // The gateway keeps a group it read (a minute); a rename or deletion makes it forget at once.
    expect((await adaSocket.call('list_agents', { group_id: spare })).agents).toEqual([]);
    const renamed = await http('PATCH', `/v1/organizations/${organizationId}/groups/${spare}`, { name: 'Spare room' });
    expect(renamed.body).toMatchObject({ group_id: spare, name: 'Spare room', default: false });
    expect(await deleteGroup(spare)).toBe(204);
    expect(await deleteGroup(spare)).toBe(404);
    await waitFor(
      async () =>
        ((await adaSocket.request('list_agents', { group_id: spare })).payload as any).error?.reason ===
        'group_not_found',
      { timeoutMs: 5000, what: 'the deleted group forgotten by the gateway' },
    );
    expect(audit.body.entries.map((entry: any) => [entry.type, entry.data.max_chats, entry.data.group_ids])).toEqual([
      ['AgentSaved', 5, [sales]],
      ['AgentSaved', 5, [sales, org.default_group_id].sort()],
      ['AgentSaved', 2, [org.default_group_id]],
    ]);
    expect(audit.body.entries[0].by).toEqual({ kind: 'installation_admin' });
  });

  it("a role change reaches an open socket's checks at once, and a new login with an older token", async () => {
    const org = await system.createOrganization('Roles');
    const organizationId = org.organization_id;
    const admin = await system.createAgent(organizationId, { email: 'admin@roles.test', role: 'admin' });
    const bob = await system.createAgent(organizationId, { email: 'bob@roles.test' });
    const bobSocket = await connect('agent', bob.token);
    // Supervisors may ban customers (an unknown customer answers not_found); agents may not.
    const banProbe = async (socket: RtmTestClient) =>
      ((await socket.request('ban_customer', { customer_id: 'no-such-customer' })).payload as any).error?.code;
    expect(await banProbe(bobSocket)).toBe('authorization');

    const promoted = await patchAgent(organizationId, bob.agentId, { role: 'supervisor' }, admin.token);
    expect(promoted).toMatchObject({ status: 200, body: { role: 'supervisor' } });
    await waitFor(async () => (await banProbe(bobSocket)) === 'not_found', { what: 'the open socket a supervisor' });

    expect((await patchAgent(organizationId, bob.agentId, { role: 'agent' }, admin.token)).status).toBe(200);
    await waitFor(async () => (await banProbe(bobSocket)) === 'authorization', { what: 'the open socket an agent' });

    // The token says `agent`; the directory says `supervisor`: the directory wins at login.
    expect((await patchAgent(organizationId, bob.agentId, { role: 'supervisor' }, admin.token)).status).toBe(200);
    const later = await system.connect('agent');
    sockets.push(later);
    expect((await later.login(bob.token)).agent.role).toBe('supervisor');
    expect(await banProbe(later)).toBe('not_found');

    // The token says `supervisor`; the directory says `agent`: the socket is not among the
    // supervisors, who hear every chat's messages.
    const carol = await system.createAgent(organizationId, { email: 'carol@roles.test', role: 'supervisor' });
    expect((await patchAgent(organizationId, carol.agentId, { role: 'agent' }, admin.token)).status).toBe(200);
    const carolSocket = await system.connect('agent');
    sockets.push(carolSocket);
    expect((await carolSocket.login(carol.token)).agent.role).toBe('agent');
    const customer = await connect('customer', await system.customerToken(organizationId));
    const { chat_id: chatId } = await customer.call('start_chat', {});
    const adminSocket = await connect('agent', admin.token);
    await adminSocket.call('join_chat', { chat_id: chatId });
    const { event } = await customer.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'for the one serving me', client_id: 'm1' },
    });
    await later.push('incoming_event', (p) => p.event.event_id === event.event_id);
    await adminSocket.push('incoming_event', (p) => p.event.event_id === event.event_id);
    expect(carolSocket.pushes('incoming_event').filter((p) => p.chat_id === chatId)).toEqual([]);
  });

  it('refuses bad input, unknown and foreign ids, non-admins and an admin giving up their own role; changing nothing', async () => {
    const org = await system.createOrganization('Refusals');
    const organizationId = org.organization_id;
    const elsewhere = await system.createOrganization('Elsewhere');
    const admin = await system.createAgent(organizationId, { email: 'admin@refusals.test', role: 'admin' });
    const carol = await system.createAgent(organizationId, { email: 'carol@refusals.test' });
    const stranger = await system.createAgent(elsewhere.organization_id, { email: 'x@elsewhere.test' });
    const before = await http('GET', `/v1/organizations/${organizationId}/agents/${carol.agentId}`);
    expect(before.body).toMatchObject({ role: 'agent', max_chats: null, groups: [] });

    const refusals: [unknown, string | null, number, string?][] = [
      [{ max_chats: 0 }, admin.token, 400],
      [{ max_chats: 101 }, admin.token, 400],
      [{ max_chats: '3' }, admin.token, 400],
      [{ max_chats: 1.5 }, admin.token, 400],
      [{ role: 'boss' }, admin.token, 400],
      [{ groups: org.default_group_id }, admin.token, 400],
      [{ groups: [5] }, admin.token, 400],
      [{ groups: ['no-such-group'] }, admin.token, 400],
      // Another organization's group.
      [{ groups: [elsewhere.default_group_id] }, admin.token, 400],
      [{ groups: [org.default_group_id], unknown: 1 }, admin.token, 400],
      [{ role: 'admin' }, null, 401],
      [{ role: 'admin' }, 'not-a-token', 401],
      // An agent may change only its own daily_summary.
      [{ role: 'admin' }, carol.token, 403, 'admin_only'],
      [{ max_chats: 50 }, carol.token, 403, 'admin_only'],
      // An agent of another organization.
      [{ role: 'admin' }, stranger.token, 403],
    ];
    for (const [body, token, status, reason] of refusals) {
      const refused = await patchAgent(organizationId, carol.agentId, body, token);
      expect([body, refused.status]).toEqual([body, status]);
      if (reason) expect(refused.body.error.reason).toBe(reason);
    }
    expect(await http('GET', `/v1/organizations/${organizationId}/agents/${carol.agentId}`)).toEqual(before);

    // Unknown agents, and another organization's agent under this organization's id.
    expect((await patchAgent(organizationId, 'no-such-agent', { max_chats: 2 })).status).toBe(404);
    expect((await patchAgent(organizationId, stranger.agentId, { max_chats: 2 })).status).toBe(404);
    expect((await patchAgent(organizationId, stranger.agentId, { max_chats: 2 }, admin.token)).status).toBe(404);
    expect(
      (await http('GET', `/v1/organizations/${elsewhere.organization_id}/agents/${stranger.agentId}`)).body,
    ).toMatchObject({ max_chats: null });

    // An admin cannot give up their own admin role (nor disable themselves); another admin can.
    const demoteSelf = await patchAgent(organizationId, admin.agentId, { role: 'supervisor' }, admin.token);
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.body.error).toMatchObject({ code: 'conflict', reason: 'cannot_demote_self' });
    expect(
      (await patchAgent(organizationId, admin.agentId, { role: 'admin', max_chats: 4 }, admin.token)).body,
    ).toMatchObject({ role: 'admin', max_chats: 4 });
    expect((await patchAgent(organizationId, admin.agentId, { role: 'supervisor' })).body.role).toBe('supervisor');

    // null gives the limit back to routing's default.
    expect((await patchAgent(organizationId, carol.agentId, { max_chats: 3 })).body.max_chats).toBe(3);
    expect((await patchAgent(organizationId, carol.agentId, { max_chats: null })).body.max_chats).toBeNull();
  });
});
