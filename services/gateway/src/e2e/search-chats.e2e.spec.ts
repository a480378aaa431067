import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';

// The archive search (`search_chats`) over real sockets against the real services: the
// conversation service's search projection indexes what customers and agents write, and the
// search finds a word within a date range, in the agent's own organization and in the chats the
// agent may read, pages with a cursor that returns every hit once, and refuses bad input.
describe('archive search (search_chats)', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];
  const open = async (endpoint: 'customer' | 'agent', token: string) => {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  };
  const say = (socket: RtmTestClient, chatId: string, text: string, clientId: string, visibility?: 'agents') =>
    socket.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text, client_id: clientId, ...(visibility ? { visibility } : {}) },
    });
  /** Searches until the index holds `count` hits (the projection follows the events within milliseconds). */
  const searchUntil = (socket: RtmTestClient, payload: Record<string, unknown>, count: number) =>
    waitFor(
      async () => {
        const page = await socket.call('search_chats', payload);
        return page.hits.length === count ? page : undefined;
      },
      { what: `${count} hits for ${JSON.stringify(payload)}` },
    );

  beforeAll(async () => {
    system = await ChatSystem.start({});
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it("finds a word within a date range in the organization's chats the agent may read, notes included", async () => {
    const org = await system.createOrganization('Archive');
    const desk = await system.createGroup(org.organization_id, 'Desk', 'manual');
    const alice = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'alice@archive.test', groups: [desk] })).token,
    );
    const bob = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'bob@archive.test', groups: [desk] })).token,
    );
    const sue = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'sue@archive.test', role: 'supervisor' })).token,
    );
    const before = new Date().toISOString();
    const customer = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: desk,
      message: { text: 'The zeppelin model arrived broken', client_id: 'c-1' },
    });
    await alice.call('join_chat', { chat_id: chatId });
    const reply = await say(alice, chatId, 'Sorry about the zeppelin, a new one is on its way.', 'a-1');
    await say(alice, chatId, 'Zeppelin kits from batch 9 break in transit', 'a-2', 'agents');

    // Another organization's chat with the same word is never a hit.
    const other = await system.createOrganization('Elsewhere');
    const mallory = await open(
      'agent',
      (await system.createAgent(other.organization_id, { email: 'mallory@elsewhere.test', role: 'supervisor' })).token,
    );
    const stranger = await open('customer', await system.customerToken(other.organization_id));
    await stranger.call('start_chat', { message: { text: 'zeppelin zeppelin', client_id: 's-1' } });

    const found = await searchUntil(sue, { query: 'zeppelin' }, 3);
    expect(found.next_cursor).toBeNull();
    expect(found.hits.map((hit: any) => [hit.visibility, hit.author.kind, hit.excerpt])).toEqual([
      ['agents', 'agent', 'Zeppelin kits from batch 9 break in transit'],
      ['all', 'agent', 'Sorry about the zeppelin, a new one is on its way.'],
      ['all', 'customer', 'The zeppelin model arrived broken'],
    ]);
    expect(found.hits[1]).toMatchObject({
      chat_id: chatId,
      event_id: reply.event.event_id,
      version: reply.event.version,
      chat: { status: 'active', group_id: desk, rating: null },
    });
    await searchUntil(mallory, { query: 'zeppelin' }, 1);
    expect(
      (await mallory.call('search_chats', { query: 'zeppelin' })).hits.every((hit: any) => hit.chat_id !== chatId),
    ).toBe(true);

    // Alice served the chat and finds it; Bob never did, and it is not queued: he finds nothing.
    expect((await alice.call('search_chats', { query: 'zeppelin' })).hits).toHaveLength(3);
    expect((await bob.call('search_chats', { query: 'zeppelin' })).hits).toEqual([]);

    // The date range bounds the time posted: after the chat, before it, around it.
    const after = new Date(Date.now() + 60_000).toISOString();
    expect((await sue.call('search_chats', { query: 'zeppelin', filters: { from: after } })).hits).toEqual([]);
    expect((await sue.call('search_chats', { query: 'zeppelin', filters: { to: before } })).hits).toEqual([]);
    expect(
      (await sue.call('search_chats', { query: 'zeppelin', filters: { from: before, to: after } })).hits,
    ).toHaveLength(3);
    expect(
      (
        await sue.call('search_chats', {
          query: 'zeppelin',
          filters: { from: found.hits[1].posted_at, to: found.hits[0].posted_at },
        })
      ).hits.map((hit: any) => hit.event_id),
    ).toEqual(found.hits[0].posted_at === found.hits[1].posted_at ? [] : [reply.event.event_id]);

    // Filters on the chat: its status, its agent, its group.
    expect((await sue.call('search_chats', { query: 'zeppelin', filters: { status: 'resolved' } })).hits).toEqual([]);
    expect((await sue.call('search_chats', { query: 'zeppelin', filters: { agent_id: 'nobody' } })).hits).toEqual([]);
    expect(
      (await sue.call('search_chats', { query: 'zeppelin', filters: { group_id: desk, status: 'active' } })).hits,
    ).toHaveLength(3);
  });

  it("matches words in the organization's search language, and again after it changes", async () => {
    const org = await system.createOrganization('Language');
    const sue = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'sue@language.test', role: 'supervisor' })).token,
    );
    const customer = await open('customer', await system.customerToken(org.organization_id));
    await customer.call('start_chat', { message: { text: 'I was promised refunds twice', client_id: 'l-1' } });
    await searchUntil(sue, { query: 'refunds' }, 1);
    // `simple` (the default) does not stem: "refund" is another word.
    expect((await sue.call('search_chats', { query: 'refund' })).hits).toEqual([]);
    const patched = await fetch(`${system.gatewayUrl()}/v1/organizations/${org.organization_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
      body: JSON.stringify({ search_language: 'english' }),
    });
    expect(await patched.json()).toMatchObject({ search_language: 'english' });
    const stemmed = await searchUntil(sue, { query: 'refund' }, 1);
    expect(stemmed.hits[0].excerpt).toBe('I was promised refunds twice');
    const unknown = await fetch(`${system.gatewayUrl()}/v1/organizations/${org.organization_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
      body: JSON.stringify({ search_language: 'klingon' }),
    });
    expect(unknown.status).toBe(400);
  });

  it('pages with a cursor: every hit exactly once, in order', async () => {
    const org = await system.createOrganization('Pages');
    const sue = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'sue@pages.test', role: 'supervisor' })).token,
    );
    const customer = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: chatId } = await customer.call('start_chat', { message: { text: 'walrus 0', client_id: 'w-0' } });
    for (let i = 1; i < 11; i++) await say(customer, chatId, `walrus ${i} and more`, `w-${i}`);
    const everything = await searchUntil(sue, { query: 'walrus', limit: 50 }, 11);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await sue.call('search_chats', { query: 'walrus', limit: 4, ...(cursor ? { cursor } : {}) });
      expect(page.hits.length).toBeLessThanOrEqual(4);
      seen.push(...page.hits.map((hit: any) => hit.event_id));
      cursor = page.next_cursor;
      pages += 1;
      // A message posted while paging is newer than every page still to read: no repeat, no skip.
      if (pages === 1) await say(customer, chatId, 'walrus late', 'w-late');
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(everything.hits.map((hit: any) => hit.event_id));
    expect(new Set(seen).size).toBe(11);
  });

  it('refuses bad input with validation, and customers have no search', async () => {
    const org = await system.createOrganization('Refusals');
    const sue = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'sue@refusals.test', role: 'supervisor' })).token,
    );
    const customer = await open('customer', await system.customerToken(org.organization_id));
    const refused = async (payload: unknown) => (await sue.request('search_chats', payload)).payload.error;
    for (const payload of [
      { query: '' },
      { query: 'x'.repeat(257) },
      { query: 42 },
      { limit: 0 },
      { limit: 51 },
      { filters: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
      { filters: { from: 'yesterday' } },
      { filters: { rating: 6 } },
      { filters: { status: 'archived' } },
      { filters: { colour: 'red' } },
      { cursor: 'not-a-cursor' },
      { cursor: Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'not-an-event-id'])).toString('base64url') },
      { query: 'a\u0000b' },
      { sort: 'oldest' },
    ]) {
      expect({ payload, error: await refused(payload) }).toMatchObject({ payload, error: { code: 'validation' } });
    }
    const byCustomer = await customer.request('search_chats', { query: 'walrus' });
    expect(byCustomer.success).toBe(false);
    // Nothing refused breaks the connection: a good search still answers.
    expect(await sue.call('search_chats', { query: 'anything' })).toEqual({ hits: [], next_cursor: null });
  });
});
