import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { ChatSystem, RtmTestClient } from '@livedesk/testing';

// `get_customer` and the visitor's context over real sockets against the real services
// (identity, conversation, gateway, ticketing): the identity the site signed with its custom
// fields, the pages of the visit with the location of the address a trusted proxy names, the
// browser's time zone and language, earlier chats (only those the agent may open) and tickets;
// and the refusals: bad input, another organization's customer.
describe('who the customer is', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  const identityOf = (secret: string, claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secret));
  const open = async (endpoint: 'customer' | 'agent', token: string, headers?: Record<string, string>) => {
    const socket = await RtmTestClient.connect(
      `${system.gatewayUrl().replace('http', 'ws')}/v1/${endpoint}/rtm`,
      headers ? { headers } : {},
    );
    sockets.push(socket);
    await socket.login(token);
    return socket;
  };
  const refusal = async (socket: RtmTestClient, action: string, payload: unknown) => {
    const frame = await socket.request(action, payload);
    expect(frame.success).toBe(false);
    return (frame.payload as { error: { code: string; reason?: string } }).error;
  };

  beforeAll(async () => {
    // The test's sockets come from the loopback address: as from a proxy the gateway trusts.
    system = await ChatSystem.start({ ticketing: 1, env: { TRUSTED_PROXIES: 'loopback' } });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it("answers the signed identity, the visit and the history an agent may open, and nothing of another organization's", async () => {
    const org = await system.createOrganization('Boutique');
    const alice = await system.createAgent(org.organization_id, {
      email: 'alice@boutique.test',
      groups: [org.default_group_id],
    });
    const bob = await system.createAgent(org.organization_id, {
      email: 'bob@boutique.test',
      groups: [org.default_group_id],
    });
    const sue = await system.createAgent(org.organization_id, {
      email: 'sue@boutique.test',
      role: 'supervisor',
      groups: [org.default_group_id],
    });
    const identity = await identityOf(org.identity_secret, {
      sub: 'user-42',
      email: 'ann@example.test',
      name: 'Ann Example',
      custom_fields: { plan: 'gold', seats: 12, vip: true },
    });
    const customerToken = await system.customerToken(org.organization_id, identity);
    // 2.16.0.1 is in Paris in the database fast-geoip ships.
    const customer = await open('customer', customerToken, { 'x-forwarded-for': '2.16.0.1' });
    const customerId: string = (customer.frames.find((frame) => frame.action === 'login')!.payload as any).customer_id;
    const agent = await open('agent', alice.token);
    const colleague = await open('agent', bob.token);
    const supervisor = await open('agent', sue.token);

    await customer.call('update_visit', {
      url: 'https://boutique.test/',
      title: 'Home',
      time_zone: 'Europe/Paris',
      language: 'fr-FR',
    });
    await customer.call('update_visit', {
      url: 'https://boutique.test/shoes',
      title: 'Shoes',
      referrer: 'https://boutique.test/',
    });
    // Bad input changes nothing.
    expect(
      await refusal(customer, 'update_visit', { url: 'https://boutique.test/x', time_zone: 'Mars/Olympus_Mons' }),
    ).toMatchObject({ code: 'validation' });
    expect(
      await refusal(customer, 'update_visit', { url: 'https://boutique.test/x', language: 'not a language!' }),
    ).toMatchObject({ code: 'validation' });
    expect(await refusal(customer, 'update_visit', { url: 'https://boutique.test/x', time_zone: 5 })).toMatchObject({
      code: 'validation',
    });
    expect(await refusal(customer, 'update_visit', { url: 'https://boutique.test/x', city: 'Paris' })).toMatchObject({
      code: 'validation',
    });
    expect(await refusal(customer, 'get_customer', { customer_id: customerId })).toMatchObject({
      code: 'validation',
      reason: 'unknown_action',
    });

    const { visitors } = await agent.call('list_visitors', {});
    const visitor = visitors.find((v: any) => v.visitor_id === customerId);
    expect(visitor).toMatchObject({
      url: 'https://boutique.test/shoes',
      location: { country: 'FR', city: 'Paris' },
      time_zone: 'Europe/Paris',
      language: 'fr-FR',
    });
    const parisNow = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(new Date());
    expect(visitor.local_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(visitor.local_time.slice(0, 13)).toBe(parisNow.replace(' ', 'T'));

    // An earlier chat Alice served, now resolved and a ticket; then a new one, queued.
    const { chat_id: earlier } = await customer.call('start_chat', {
      message: { text: 'My order 1234 has not arrived', client_id: 'e-1' },
    });
    await agent.call('join_chat', { chat_id: earlier });
    const ticket = await agent.call('create_ticket', { chat_id: earlier });
    await agent.call('resolve_chat', { chat_id: earlier });
    const { chat_id: current } = await customer.call('start_chat', {
      message: { text: 'And another question about sizes', client_id: 'c-1' },
    });

    const profile = await agent.call('get_customer', { customer_id: customerId });
    expect(profile).toMatchObject({
      customer_id: customerId,
      name: 'Ann Example',
      email: 'ann@example.test',
      external_id: 'user-42',
      custom_fields: { plan: 'gold', seats: 12, vip: true },
      visit: {
        visitor_id: customerId,
        location: { country: 'FR', city: 'Paris' },
        time_zone: 'Europe/Paris',
        language: 'fr-FR',
      },
    });
    expect(profile.visit.pages.map((page: any) => [page.url, page.title])).toEqual([
      ['https://boutique.test/', 'Home'],
      ['https://boutique.test/shoes', 'Shoes'],
    ]);
    expect(profile.chats.map((chat: any) => [chat.chat_id, chat.status, chat.preview])).toEqual([
      [current, 'queued', 'And another question about sizes'],
      [earlier, 'resolved', 'My order 1234 has not arrived'],
    ]);
    expect(profile.tickets).toEqual([
      expect.objectContaining({
        ticket_id: ticket.ticket_id,
        reference: ticket.reference,
        subject: 'My order 1234 has not arrived',
        status: 'open',
      }),
    ]);
    // Each chat listed is one the agent may open.
    for (const chat of profile.chats) await agent.call('get_chat', { chat_id: chat.chat_id });

    // Bob never served the earlier chat: he sees the queued one only. A supervisor sees both.
    const forBob = await colleague.call('get_customer', { customer_id: customerId });
    expect(forBob.chats.map((chat: any) => chat.chat_id)).toEqual([current]);
    expect(forBob.tickets).toHaveLength(1);
    expect((await supervisor.call('get_customer', { customer_id: customerId })).chats).toHaveLength(2);

    // An anonymous visitor who never sent a page: no identity, no visit.
    const anonymous = await open('customer', await system.customerToken(org.organization_id));
    const anonymousId: string = (anonymous.frames.find((frame) => frame.action === 'login')!.payload as any)
      .customer_id;
    expect(await agent.call('get_customer', { customer_id: anonymousId })).toEqual({
      customer_id: anonymousId,
      name: null,
      email: null,
      external_id: null,
      custom_fields: {},
      visit: null,
      chats: [],
      tickets: [],
    });

    // Another organization's agent learns nothing; bad input is refused.
    const other = await system.createOrganization('Elsewhere');
    const mallory = await system.createAgent(other.organization_id, { email: 'mallory@elsewhere.test', role: 'admin' });
    const outsider = await open('agent', mallory.token);
    expect(await refusal(outsider, 'get_customer', { customer_id: customerId })).toMatchObject({
      code: 'not_found',
      reason: 'customer_not_found',
    });
    expect(JSON.stringify(outsider.frames)).not.toContain('Ann Example');
    expect((await outsider.call('list_visitors', {})).visitors).toEqual([]);
    expect(await refusal(agent, 'get_customer', { customer_id: 'no-such-customer' })).toMatchObject({
      code: 'not_found',
      reason: 'customer_not_found',
    });
    expect(await refusal(agent, 'get_customer', { customer_id: 42 })).toMatchObject({ code: 'validation' });
    expect(await refusal(agent, 'get_customer', {})).toMatchObject({ code: 'validation' });
    expect(await refusal(agent, 'get_customer', { customer_id: customerId, with: 'everything' })).toMatchObject({
      code: 'validation',
    });
    expect(await refusal(agent, 'get_customer', { customer_id: '' })).toMatchObject({ code: 'validation' });
  });

  it('keeps custom fields of a later identity, and refuses identities whose custom fields are malformed', async () => {
    const org = await system.createOrganization('Fields');
    const alice = await system.createAgent(org.organization_id, { email: 'alice@fields.test' });
    const agent = await open('agent', alice.token);
    const first = await system.customerToken(
      org.organization_id,
      await identityOf(org.identity_secret, { sub: 'u-1', custom_fields: { plan: 'free' } }),
    );
    const customerId: string = (await open('customer', first)).frames.find((frame) => frame.action === 'login')!.payload
      .customer_id;
    // The same user signs in again: new fields replace the old; an identity without the claim keeps them.
    await system.customerToken(
      org.organization_id,
      await identityOf(org.identity_secret, { sub: 'u-1', custom_fields: { plan: 'pro', seats: 3 } }),
    );
    await system.customerToken(org.organization_id, await identityOf(org.identity_secret, { sub: 'u-1', name: 'Uma' }));
    expect(await agent.call('get_customer', { customer_id: customerId })).toMatchObject({
      name: 'Uma',
      external_id: 'u-1',
      custom_fields: { plan: 'pro', seats: 3 },
    });

    for (const customFields of [
      { nested: { deep: 1 } },
      Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`f${i}`, i])),
      { ['x'.repeat(65)]: 1 },
      'plan=gold',
    ]) {
      const identity = await identityOf(org.identity_secret, { sub: 'u-2', custom_fields: customFields });
      const { status, body } = await system.post(
        '/v1/customer/token',
        { organization_id: org.organization_id, identity },
        undefined,
      );
      expect(status).toBe(400);
      expect(body.error.code).toBe('validation');
    }
  });
});
