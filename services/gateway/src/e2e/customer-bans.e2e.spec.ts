import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { createDatabase, EventStore } from '@livedesk/event-store';
import { ChatSystem, type RtmTestClient } from '@livedesk/testing';

/** The close code of a banned customer's sockets (docs/protocol.md, close codes). */
const CUSTOMER_BANNED = 4004;

// Bans (docs/protocol.md, Bans) over real sockets and HTTP against the real services: a
// supervisor bans a customer, whose sockets close at once and whose token requests and logins are
// refused with `banned` until the ban is lifted or ends by itself; each ban and lifting is an
// event of the customer's stream; agents, other organizations and customers cannot ban, and bad
// input changes nothing.
describe('banning customers', () => {
  let system: ChatSystem;
  let org: { organization_id: string; identity_secret: string };
  let other: { organization_id: string; identity_secret: string };
  let sue: RtmTestClient;
  let alice: RtmTestClient;
  let stranger: RtmTestClient;
  const sockets: RtmTestClient[] = [];
  const open = async (endpoint: 'customer' | 'agent', token?: string, replica = 0) => {
    const socket = await system.connect(endpoint, token, replica);
    sockets.push(socket);
    return socket;
  };

  /** A customer the company's site identifies (`sub`): the same customer with every token. */
  const identity = (sub: string) =>
    new SignJWT({ sub })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(org.identity_secret));
  const tokenRequest = async (sub: string) =>
    system.post(
      '/v1/customer/token',
      { organization_id: org.organization_id, identity: await identity(sub) },
      undefined,
    );

  async function expectRefused(
    socket: RtmTestClient,
    action: string,
    payload: unknown,
    error: Record<string, unknown>,
  ) {
    const response = await socket.request(action, payload);
    expect(response).toMatchObject({ action, success: false, payload: { error } });
  }

  async function customerStream(customerId: string): Promise<{ type: string; data: unknown }[]> {
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      return (await new EventStore(db).readStream(`customer-${customerId}`)).map((event) => ({
        type: event.type,
        data: event.data,
      }));
    } finally {
      await db.destroy();
    }
  }

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 2 });
    org = await system.createOrganization('Bans');
    other = await system.createOrganization('Elsewhere');
    sue = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'sue@bans.test', role: 'supervisor' })).token,
    );
    alice = await open('agent', (await system.createAgent(org.organization_id, { email: 'alice@bans.test' })).token);
    stranger = await open(
      'agent',
      (await system.createAgent(other.organization_id, { email: 'sam@elsewhere.test', role: 'admin' })).token,
    );
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it("closes the customer's sockets and refuses their tokens and logins until the ban is lifted", async () => {
    const token = (await tokenRequest('user-ann')).body.token as string;
    const ann = await open('customer');
    const customerId = (await ann.call('login', { token })).customer_id as string;
    // Two more sockets of hers: another tab, and one on the other gateway replica.
    const annOtherTab = await open('customer', token);
    const login = await open('customer', token, 1);
    const { chat_id: chatId } = await ann.call('start_chat', {
      message: { text: 'You are useless!', client_id: 'a-1' },
    });
    const bystander = await open('customer', await system.customerToken(org.organization_id));

    // Refused, each changing nothing: an agent, another organization, a customer, bad input.
    await expectRefused(
      alice,
      'ban_customer',
      { customer_id: customerId },
      { code: 'authorization', reason: 'supervisors_only' },
    );
    await expectRefused(
      alice,
      'unban_customer',
      { customer_id: customerId },
      { code: 'authorization', reason: 'supervisors_only' },
    );
    await expectRefused(
      stranger,
      'ban_customer',
      { customer_id: customerId },
      { code: 'not_found', reason: 'customer_not_found' },
    );
    await expectRefused(
      bystander,
      'ban_customer',
      { customer_id: customerId },
      { code: 'validation', reason: 'unknown_action' },
    );
    await expectRefused(
      sue,
      'ban_customer',
      { customer_id: 'no-such-customer' },
      { code: 'not_found', reason: 'customer_not_found' },
    );
    await expectRefused(
      sue,
      'unban_customer',
      { customer_id: 'no-such-customer' },
      { code: 'not_found', reason: 'customer_not_found' },
    );
    for (const payload of [
      {},
      { customer_id: 5 },
      { customer_id: customerId, seconds: 0 },
      { customer_id: customerId, seconds: -10 },
      { customer_id: customerId, seconds: 1.5 },
      { customer_id: customerId, seconds: '60' },
      { customer_id: customerId, seconds: 11 * 365 * 24 * 3600 },
      { customer_id: customerId, reason: '' },
      { customer_id: customerId, reason: 'x'.repeat(513) },
      { customer_id: customerId, forever: true },
    ]) {
      await expectRefused(sue, 'ban_customer', payload, { code: 'validation', reason: 'invalid_payload' });
    }
    expect(await customerStream(customerId)).toEqual([]);
    const still = await ann.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Hello?', client_id: 'a-2' },
    });
    expect(still.event.type).toBe('MessagePosted');

    // The ban: every socket of the customer closes at once, on every gateway replica.
    const ban = await sue.call('ban_customer', { customer_id: customerId, reason: 'abusive language' });
    expect(ban).toEqual({ customer_id: customerId, banned_until: null, reason: 'abusive language' });
    expect(await ann.closed).toEqual({ code: CUSTOMER_BANNED, reason: 'customer banned' });
    expect(await login.closed).toEqual({ code: CUSTOMER_BANNED, reason: 'customer banned' });
    expect(await annOtherTab.closed).toEqual({ code: CUSTOMER_BANNED, reason: 'customer banned' });

    // While banned: no token, no login (with the token from before), and the agent's reason is not shown.
    const refusedToken = await tokenRequest('user-ann');
    expect(refusedToken).toMatchObject({ status: 403, body: { error: { code: 'authorization', reason: 'banned' } } });
    expect(JSON.stringify(refusedToken.body)).not.toContain('abusive');
    const again = await system.connect('customer');
    sockets.push(again);
    const refusedLogin = await again.request('login', { token });
    expect(refusedLogin).toMatchObject({
      success: false,
      payload: { error: { code: 'authorization', reason: 'banned' } },
    });
    expect(JSON.stringify(refusedLogin)).not.toContain('abusive');
    // Still not logged in: anything else asks for a login first.
    await expectRefused(again, 'start_chat', {}, { code: 'authentication', reason: 'login_required' });

    // Other customers are served as before.
    const served = await bystander.call('start_chat', { message: { text: 'Hi', client_id: 'b-1' } });
    expect(served.chat_id).toEqual(expect.any(String));
    expect((await tokenRequest('user-bea')).status).toBe(200);

    // Lifted: tokens and logins work again; lifting again stores nothing.
    expect(await sue.call('unban_customer', { customer_id: customerId })).toEqual({
      customer_id: customerId,
      banned: false,
    });
    expect(await sue.call('unban_customer', { customer_id: customerId })).toEqual({
      customer_id: customerId,
      banned: false,
    });
    const back = await open('customer', (await tokenRequest('user-ann')).body.token);
    expect((await back.call('start_chat', {})).chat_id).toEqual(expect.any(String));

    const sueId = (await sue.call('list_agents', {})).agents.find(
      (agent: { role: string }) => agent.role === 'supervisor',
    ).agent_id;
    expect(await customerStream(customerId)).toEqual([
      {
        type: 'CustomerBanned',
        data: { customer_id: customerId, banned_until: null, reason: 'abusive language', by_agent_id: sueId },
      },
      { type: 'CustomerUnbanned', data: { customer_id: customerId, by_agent_id: sueId } },
    ]);
  }, 120_000);

  it('ends a ban of some seconds by itself, with no further event', async () => {
    const token = (await tokenRequest('user-cid')).body.token as string;
    const cid = await open('customer');
    const customerId = (await cid.call('login', { token })).customer_id as string;
    const first = await sue.call('ban_customer', { customer_id: customerId, seconds: 600 });
    expect(Date.parse(first.banned_until) - Date.now()).toBeGreaterThan(590_000);
    expect((await cid.closed).code).toBe(CUSTOMER_BANNED);
    expect(await tokenRequest('user-cid')).toMatchObject({ status: 403, body: { error: { reason: 'banned' } } });

    // A new ban replaces the one in force: ten minutes become two seconds.
    const ban = await sue.call('ban_customer', { customer_id: customerId, seconds: 2, reason: 'spam' });
    expect(ban).toMatchObject({ customer_id: customerId, reason: 'spam' });
    expect(Date.parse(ban.banned_until) - Date.now()).toBeLessThanOrEqual(2000);
    expect(await tokenRequest('user-cid')).toMatchObject({ status: 403, body: { error: { reason: 'banned' } } });
    const early = await open('customer');
    expect(await early.request('login', { token })).toMatchObject({
      success: false,
      payload: { error: { code: 'authorization', reason: 'banned' } },
    });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(ban.banned_until) - Date.now()) + 500));
    expect((await tokenRequest('user-cid')).status).toBe(200);
    const after = await open('customer');
    expect((await after.call('login', { token })).customer_id).toBe(customerId);
    expect((await after.call('start_chat', {})).chat_id).toEqual(expect.any(String));
    expect((await customerStream(customerId)).map((event) => event.type)).toEqual(['CustomerBanned', 'CustomerBanned']);
  }, 120_000);
});
