import { ChatSystem, type RtmTestClient } from '@livedesk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';

const MAX_FRAME_BYTES = 4096;

// Everything a careless or hostile client can send over the socket, answered as docs/protocol.md
// says, while another connection keeps being served.
describe('bad input over the socket', () => {
  let system: ChatSystem;
  let org: { organization_id: string };
  let customerToken: string;
  let bystander: RtmTestClient;
  let bystanderChat: string;
  const sockets: RtmTestClient[] = [];

  async function open(endpoint: 'customer' | 'agent' = 'customer', token?: string): Promise<RtmTestClient> {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  }

  async function expectError(socket: RtmTestClient, action: string, payload: unknown, error: Record<string, unknown>) {
    const response = await socket.request(action, payload);
    expect(response).toMatchObject({ action, type: 'response', success: false, payload: { error } });
  }

  beforeAll(async () => {
    system = await ChatSystem.start({
      env: {
        RTM_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
        RTM_RATE_LIMIT_PER_SECOND: '5',
        RTM_RATE_LIMIT_BURST: '10',
        RTM_LOGIN_TIMEOUT_MS: '1500',
      },
    });
    org = await system.createOrganization('Target');
    customerToken = await system.customerToken(org.organization_id);
    bystander = await open('customer', customerToken);
    bystanderChat = (await bystander.call('start_chat', {})).chat_id;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  afterEach(async () => {
    // After every abuse the bystander is still served.
    const sent = await bystander.call('send_event', {
      chat_id: bystanderChat,
      event: { type: 'message', text: 'still here', client_id: `still-${Math.random()}` },
    });
    expect(sent.event.type).toBe('MessagePosted');
  });

  it('answers a frame that is not JSON with request_id null and stays open', async () => {
    const socket = await open('customer', customerToken);
    socket.sendRaw('{"request_id": "r-1", "action": ');
    const error = await socket.next((frame) => frame.type === 'response');
    expect(error).toEqual({
      request_id: null,
      action: null,
      type: 'response',
      success: false,
      payload: { error: { code: 'validation', message: 'the frame is not valid JSON' } },
    });
    socket.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    expect((await socket.next((frame) => frame.type === 'response' && frame !== error)).payload.error.code).toBe(
      'validation',
    );
    expect((await socket.call('list_chats', {})).chats.map((chat: any) => chat.chat_id)).toEqual([bystanderChat]);
  });

  it('refuses a frame without an action or request id, and unknown actions', async () => {
    const socket = await open('customer', customerToken);
    socket.sendRaw(JSON.stringify({ request_id: 'x-1', payload: {} }));
    expect(await socket.next((frame) => frame.request_id === 'x-1')).toMatchObject({
      success: false,
      payload: { error: { code: 'validation' } },
    });
    socket.sendRaw(JSON.stringify({ action: 'list_chats', payload: {} }));
    expect(await socket.next((frame) => frame.request_id === null)).toMatchObject({
      action: 'list_chats',
      success: false,
      payload: { error: { code: 'validation' } },
    });
    await expectError(socket, 'drop_tables', {}, { code: 'validation', reason: 'unknown_action' });
    // An agent action on the customer endpoint is unknown there.
    await expectError(
      socket,
      'resolve_chat',
      { chat_id: bystanderChat },
      { code: 'validation', reason: 'unknown_action' },
    );
  });

  it('names the field of a missing or mistyped payload value', async () => {
    const socket = await open('customer', customerToken);
    await expectError(
      socket,
      'send_event',
      { event: { type: 'message', text: 'x', client_id: 'a' } },
      {
        code: 'validation',
        message: 'payload.chat_id is required',
      },
    );
    const wrongType = await socket.request('rate_chat', { chat_id: bystanderChat, score: 'five' });
    expect(wrongType.payload.error.code).toBe('validation');
    expect(wrongType.payload.error.message).toContain('payload.score');
    await expectError(socket, 'rate_chat', { chat_id: bystanderChat, score: 9 }, { code: 'validation' });
    await expectError(
      socket,
      'send_event',
      { chat_id: bystanderChat, event: { type: 'message', text: 'x', client_id: 'a', admin: true } },
      {
        code: 'validation',
        message: 'payload.event: unknown field(s) admin',
      },
    );
  });

  it('closes the socket with 1009 on an oversized frame; other sockets are unaffected', async () => {
    const socket = await open('customer', customerToken);
    socket.sendRaw(
      JSON.stringify({ request_id: 'big', action: 'send_event', payload: { text: 'x'.repeat(MAX_FRAME_BYTES) } }),
    );
    expect((await socket.closed).code).toBe(1009);
  });

  it('answers every request before login with an authentication error, and closes at the login deadline', async () => {
    const socket = await open('customer');
    await expectError(socket, 'list_chats', {}, { code: 'authentication', reason: 'login_required' });
    await expectError(socket, 'start_chat', {}, { code: 'authentication' });
    expect((await socket.closed).code).toBe(1008);
  });

  it('refuses forged, expired, malformed and wrong-endpoint tokens', async () => {
    const socket = await open('customer');
    const claims = { org: org.organization_id, kind: 'customer' };
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('someone')
      .setIssuer('livedesk')
      .setAudience('livedesk')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-gateway-secret-not-the-gateway-secret'));
    await expectError(socket, 'login', { token: forged }, { code: 'authentication', reason: 'token_invalid' });
    const expired = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('someone')
      .setIssuer('livedesk')
      .setAudience('livedesk')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(system.jwtSecret));
    await expectError(socket, 'login', { token: expired }, { code: 'authentication', reason: 'token_expired' });
    await expectError(socket, 'login', { token: 'not.a.jwt' }, { code: 'authentication' });
    await expectError(socket, 'login', { token: 42 }, { code: 'validation' });
    // An unsigned token ("alg": "none") is refused too.
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'x', iss: 'livedesk', aud: 'livedesk' })).toString('base64url')}.`;
    await expectError(socket, 'login', { token: unsigned }, { code: 'authentication' });
    const agentEndpoint = await open('agent');
    await expectError(
      agentEndpoint,
      'login',
      { token: customerToken },
      { code: 'authentication', reason: 'wrong_endpoint' },
    );
    // The socket is still usable: a good token logs in.
    expect((await socket.login(customerToken)).organization_id).toBe(org.organization_id);
    await expectError(socket, 'login', { token: customerToken }, { code: 'conflict', reason: 'already_logged_in' });
  });

  it("never reads or writes another organization's chat, nor another customer's", async () => {
    const other = await system.createOrganization('Intruder');
    const intruderAgent = await system.createAgent(other.organization_id, {
      email: 'mallory@intruder.test',
      role: 'admin',
    });
    const agent = await open('agent', intruderAgent.token);
    await expectError(agent, 'get_chat', { chat_id: bystanderChat }, { code: 'not_found' });
    await expectError(agent, 'join_chat', { chat_id: bystanderChat }, { code: 'not_found' });
    await expectError(
      agent,
      'send_event',
      { chat_id: bystanderChat, event: { type: 'message', text: 'hi', client_id: 'm' } },
      { code: 'not_found' },
    );
    await expectError(agent, 'send_typing', { chat_id: bystanderChat, is_typing: true }, { code: 'not_found' });
    expect((await agent.call('list_chats', { filter: 'all' })).chats).toEqual([]);
    // Nor opens a ticket from it: the chat is not found before ticketing is asked.
    await expectError(agent, 'create_ticket', { chat_id: bystanderChat }, { code: 'not_found' });
    const otherCustomer = await open('customer', await system.customerToken(org.organization_id));
    await expectError(otherCustomer, 'get_chat', { chat_id: bystanderChat }, { code: 'authorization' });
    await expectError(
      otherCustomer,
      'send_event',
      { chat_id: bystanderChat, event: { type: 'message', text: 'hi', client_id: 'm' } },
      { code: 'authorization' },
    );
    // The setup API refuses the other organization's admin too.
    const { status } = await system.post(
      `/v1/organizations/${org.organization_id}/agents`,
      {
        email: 'mole@intruder.test',
        name: 'Mole',
        password: 'long enough password',
        role: 'admin',
      },
      intruderAgent.token,
    );
    expect(status).toBe(403);
  });

  it('answers a flood above the rate limit with rate_limited and retry_after_ms, then serves again', async () => {
    const socket = await open('customer', customerToken);
    const responses = await Promise.all(Array.from({ length: 30 }, () => socket.request('list_chats', {})));
    const limited = responses.filter((response) => !response.success);
    expect(limited.length).toBeGreaterThanOrEqual(15);
    for (const response of limited) {
      expect(response.payload.error).toMatchObject({ code: 'rate_limited' });
      expect(response.payload.error.retry_after_ms).toBeGreaterThan(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await socket.call('list_chats', {})).chats).toBeDefined();
  });
});
