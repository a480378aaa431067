import { ChatSystem, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const UNSTORABLE = 'must not contain NUL (U+0000) or unpaired UTF-16 surrogates';

// Input Postgres cannot store, numbers that overflow, and a chat too long for one NATS reply:
// each answered as a refusal or page by page, never as `internal` / 500 / `unavailable`.
describe('bounded and storable payloads', () => {
  let system: ChatSystem;
  let org: { organization_id: string };
  let customerToken: string;
  const sockets: RtmTestClient[] = [];

  async function customerSocket(): Promise<RtmTestClient> {
    const socket = await system.connect('customer', customerToken);
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    system = await ChatSystem.start({ env: { RTM_RATE_LIMIT_PER_SECOND: '1000', RTM_RATE_LIMIT_BURST: '1000' } });
    org = await system.createOrganization('Bounds');
    customerToken = await system.customerToken(org.organization_id);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('answers a NUL character in a socket frame with validation, not internal', async () => {
    const customer = await customerSocket();
    const { chat_id: chatId } = await customer.call('start_chat', {});
    const sent = await customer.request('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'nul \u0000 here', client_id: 'nul-1' },
    });
    expect(sent.payload.error).toMatchObject({ code: 'validation', message: `payload.event.text: ${UNSTORABLE}` });
    const started = await customer.request('start_chat', { message: { text: 'first\u0000' } });
    expect(started.payload.error.code).toBe('validation');
    const visit = await customer.request('update_visit', { url: 'https://shop.test/\u0000' });
    expect(visit.payload.error.code).toBe('validation');
    // The connection is still served, and nothing was stored.
    const { events } = await customer.readChat(chatId);
    expect(events.filter((event) => event.type === 'MessagePosted')).toEqual([]);
  });

  it('answers a lone surrogate in a socket frame with validation, not internal', async () => {
    const customer = await customerSocket();
    const { chat_id: chatId } = await customer.call('start_chat', {});
    // JSON.stringify writes a lone surrogate as the escape "\ud83d", as a hostile client would.
    const high = await customer.request('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'broken \uD83D', client_id: 'sur-1' },
    });
    expect(high.payload.error).toMatchObject({ code: 'validation', message: `payload.event.text: ${UNSTORABLE}` });
    const low = await customer.request('rate_chat', { chat_id: chatId, score: 5, comment: '\uDE00' });
    expect(low.payload.error.code).toBe('validation');
    const id = await customer.request('get_chat', { chat_id: `${chatId}\uD800` });
    expect(id.payload.error.code).toBe('validation');
    // A well-formed pair (an emoji) is text like any other.
    const emoji = await customer.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'thanks 👍', client_id: 'sur-2' },
    });
    expect(emoji.event.data.text).toBe('thanks 👍');
  });

  it('answers NUL and lone surrogates over HTTP with the validation refusal, not 500', async () => {
    const organization = await system.post('/v1/organizations', { name: 'Nul\u0000 Inc' });
    expect(organization.status).toBe(400);
    expect(organization.body.error).toMatchObject({ code: 'validation', message: `name: ${UNSTORABLE}` });
    const agent = await system.post(`/v1/organizations/${org.organization_id}/agents`, {
      email: 'surrogate@bounds.test',
      name: 'Broken \uDC00',
      password: 'long enough password',
      role: 'agent',
    });
    expect(agent.status).toBe(400);
    expect(agent.body.error.code).toBe('validation');
    const token = await system.post(
      '/v1/customer/token',
      { organization_id: `${org.organization_id}\u0000` },
      undefined,
    );
    expect(token.status).toBe(400);
    expect(token.body.error.code).toBe('validation');
    // An id in the path, which no body schema parses.
    const inPath = await system.post(`/v1/organizations/${org.organization_id}%00/groups`, { name: 'Sales' });
    expect(inPath.status).toBe(400);
    expect(inPath.body.error.code).toBe('validation');
  });

  it('refuses a huge report_goal value (two near Number.MAX_VALUE froze the chat metrics) and accepts bounded ones', async () => {
    const customer = await customerSocket();
    const { chat_id: chatId } = await customer.call('start_chat', {});
    const huge = await customer.request('report_goal', { chat_id: chatId, goal: 'purchase', value: 1.7e308 });
    expect(huge.payload.error.code).toBe('validation');
    expect(huge.payload.error.message).toContain('payload.value');
    const over = await customer.request('report_goal', { chat_id: chatId, goal: 'purchase', value: 1e12 + 1 });
    expect(over.payload.error.code).toBe('validation');
    expect((await customer.call('report_goal', { chat_id: chatId, goal: 'purchase', value: 1e12 })).chat_id).toBe(
      chatId,
    );
  });

  it('reads a chat whose events exceed 1 MB page by page, for the customer and an agent (get_chat answered unavailable)', async () => {
    const customer = await customerSocket();
    const { chat_id: chatId } = await customer.call('start_chat', {});
    const text = 'y'.repeat(16_384);
    for (let i = 0; i < 80; i++) {
      await customer.call('send_event', { chat_id: chatId, event: { type: 'message', text, client_id: `long-${i}` } });
    }
    const firstPage = await customer.call('get_chat', { chat_id: chatId });
    expect(firstPage.has_more).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(firstPage))).toBeLessThan(512 * 1024);

    const read = await customer.readChat(chatId);
    expect(read.pages).toBeGreaterThan(4);
    const messages = read.events.filter((event) => event.type === 'MessagePosted');
    expect(messages).toHaveLength(80);
    expect(messages.map((event) => event.data.client_id)).toEqual(Array.from({ length: 80 }, (_, i) => `long-${i}`));
    expect(read.events.map((event) => event.version)).toEqual(
      Array.from({ length: read.chat.version }, (_, i) => i + 1),
    );

    const admin = await system.createAgent(org.organization_id, { email: 'reader@bounds.test', role: 'supervisor' });
    const agent = await system.connect('agent', admin.token);
    sockets.push(agent);
    const agentRead = await agent.readChat(chatId, 0, 10);
    expect(agentRead.events.filter((event) => event.type === 'MessagePosted')).toHaveLength(80);
    expect(agentRead.pages).toBeGreaterThanOrEqual(9);
    const tooMany = await agent.request('get_chat', { chat_id: chatId, limit: 501 });
    expect(tooMany.payload.error.code).toBe('validation');
  });
});
