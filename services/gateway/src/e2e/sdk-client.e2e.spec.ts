import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AgentClient,
  CustomerClient,
  fetchAgentToken,
  fetchCustomerToken,
  LivedeskError,
  type ChatEventDelivery,
} from '@livedesk/client';
import { ChatSystem, waitFor } from '@livedesk/testing';
import { SignJWT } from 'jose';
import WebSocket from 'ws';

/** `ws` that remembers its sockets, so that a test can cut one as a lost network does. */
const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    sockets.push(this);
  }
}

function eventually(condition: () => boolean, timeoutMs: number): Promise<true> {
  return waitFor(() => condition(), { timeoutMs, intervalMs: 10 });
}

function messages(seen: ChatEventDelivery[]): string[] {
  return seen.filter((d) => d.event.type === 'MessagePosted').map((d) => String(d.event.data.text));
}

// The SDK against the real gateway and conversation service: docs/protocol.md's "no message is ever
// lost to a reconnect", as an app built on the client sees it.
describe('@livedesk/client against the gateway', () => {
  let system: ChatSystem;

  beforeAll(async () => {
    system = await ChatSystem.start();
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('a customer and an agent chat; the customer socket is killed mid-conversation; each sees every message once, in order', async () => {
    const org = await system.createOrganization('SDK Inc');
    const agentAccount = await system.createAgent(org.organization_id, { email: 'agent@sdk.test' });
    expect(agentAccount.agentId).toBeTruthy();

    const customer = system.customerClient(org.organization_id, {
      WebSocket: TrackedWebSocket,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
    });
    const agent = system.agentClient('agent@sdk.test');
    const customerSaw: ChatEventDelivery[] = [];
    const agentSaw: ChatEventDelivery[] = [];
    customer.on('chat_event', (d) => customerSaw.push(d));
    agent.on('chat_event', (d) => agentSaw.push(d));
    let customerReconnects = 0;
    customer.on('connected', ({ reconnected }) => (customerReconnects += reconnected ? 1 : 0));

    try {
      await customer.connect();
      const login = await agent.connect();
      expect(login.agent.email).toBe('agent@sdk.test');

      const { chat_id: chatId } = await customer.startChat({ message: { text: 'c0', client_id: 'c0' } });
      await agent.joinChat(chatId);
      await customer.sendMessage(chatId, 'c1');
      await agent.sendMessage(chatId, 'a1');
      await eventually(() => messages(customerSaw).includes('a1') && messages(agentSaw).includes('c1'), 10_000);

      // The customer's network drops with a send on the wire; the agent keeps writing meanwhile.
      const customerSocket = sockets[0]!;
      const inFlight = customer.sendMessage(chatId, 'c2');
      customerSocket.terminate();
      for (const text of ['a2', 'a3', 'a4']) await agent.sendMessage(chatId, text);
      // Written while the customer is still away: sent once the client is back.
      const whileAway = customer.sendMessage(chatId, 'c3');
      await Promise.all([inFlight, whileAway]);
      expect(customerReconnects).toBe(1);
      await agent.sendMessage(chatId, 'a5');

      const expected = ['c0', 'c1', 'a1', 'a2', 'a3', 'a4', 'c2', 'c3', 'a5'];
      await eventually(
        () => messages(customerSaw).length >= expected.length && messages(agentSaw).length >= expected.length,
        15_000,
      );
      // Settle: a late duplicate would show up here.
      await new Promise((resolve) => setTimeout(resolve, 300));

      // The server's order is the version order; the agent's and customer's views follow it.
      const stored = await agent.request('get_chat', { chat_id: chatId, limit: 500 });
      const storedMessages = stored.events.filter((e) => e.type === 'MessagePosted').map((e) => String(e.data.text));
      expect([...storedMessages].sort()).toEqual([...expected].sort());
      expect(storedMessages.slice(0, 3)).toEqual(['c0', 'c1', 'a1']);
      expect(messages(customerSaw)).toEqual(storedMessages);
      expect(messages(agentSaw)).toEqual(storedMessages);
      for (const seen of [customerSaw, agentSaw]) {
        const versions = seen.map((d) => d.version);
        expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
      }
      expect(sockets.length).toBe(2);
    } finally {
      customer.close();
      agent.close();
    }
  });

  it('asks its provider for a new token when the gateway refuses an expired one, and logs in again after a drop', async () => {
    const url = system.gatewayUrl();
    const org = await system.createOrganization('SDK Tokens');
    const account = await system.createAgent(org.organization_id, { email: 'renew@sdk.test' });
    // A token that expired an hour ago, signed like the gateway's own: what a desk reloaded after a long sleep holds.
    const expired = await new SignJWT({ org: org.organization_id, kind: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(account.agentId)
      .setIssuer('livedesk')
      .setAudience('livedesk')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(system.jwtSecret));
    const handedOut: string[] = [];
    const provider = async () => {
      const next =
        handedOut.length === 0
          ? { token: expired, expires_at: new Date(Date.now() + 3_600_000).toISOString() }
          : await fetchAgentToken(url, { email: 'renew@sdk.test', password: 'correct horse battery staple' });
      handedOut.push(next.token);
      return next;
    };
    const agent = new AgentClient({
      url,
      token: provider,
      WebSocket: TrackedWebSocket,
      reconnect: { initialDelayMs: 50 },
    });
    const errors: LivedeskError[] = [];
    agent.on('error', (error) => errors.push(error));
    try {
      const login = await agent.connect();
      expect(login.agent.agent_id).toBe(account.agentId);
      expect(handedOut).toHaveLength(2);
      // Dropped: the fresh token is still good, so the client logs in with it and asks nothing.
      let reconnected = false;
      agent.on('connected', (event) => (reconnected = event.reconnected));
      sockets[sockets.length - 1]!.terminate();
      await eventually(() => reconnected, 10_000);
      expect(handedOut).toHaveLength(2);
      expect((await agent.request('list_chats', {})).chats).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      agent.close();
    }
  });

  it('answers a typed error with the gateway code and reason', async () => {
    const url = system.gatewayUrl();
    const org = await system.createOrganization('SDK Errors');
    const customer = new CustomerClient({
      url,
      token: (await fetchCustomerToken(url, { organization_id: org.organization_id })).token,
      WebSocket,
    });
    try {
      await customer.connect();
      const error = await customer.request('get_chat', { chat_id: 'no-such-chat' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LivedeskError);
      expect((error as LivedeskError).code).toBe('not_found');
      const badLogin = await new CustomerClient({ url, token: 'not-a-token', WebSocket })
        .connect()
        .catch((e: unknown) => e);
      expect(badLogin).toBeInstanceOf(LivedeskError);
      expect((badLogin as LivedeskError).code).toBe('authentication');
    } finally {
      customer.close();
    }
  });
});
