import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem } from '../testing/chat-system.js';
import type { RtmTestClient } from '../testing/rtm-test-client.js';

/** The texts of the messages a client has, from pushes and catch-up, in version order, each once. */
function messagesOf(events: Map<number, any>): string[] {
  return [...events.entries()].sort(([a], [b]) => a - b).filter(([, e]) => e.type === 'MessagePosted').map(([, e]) => e.data.text);
}

/** Collects the chat's events a client received as pushes, by version (a repeat would be caught). */
function collect(client: RtmTestClient, chatId: string, into: Map<number, any>, duplicates: number[]): void {
  client.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'push' && frame.action === 'incoming_event' && frame.payload.chat_id === chatId) {
      if (into.has(frame.payload.version)) duplicates.push(frame.payload.version);
      into.set(frame.payload.version, frame.payload.event);
    }
  });
}

// protocol.md: "no message is ever lost to a reconnect". Sockets are cut without a close
// handshake (a lost network) while the other side keeps writing.
describe('reconnecting with get_chat since_version', () => {
  let system: ChatSystem;

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 2 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('gives the customer and the agent every message exactly once', async () => {
    const org = await system.createOrganization('Reconnect Inc');
    const agent = await system.createAgent(org.organization_id, { email: 'agent@reconnect.test' });
    const customerToken = await system.customerToken(org.organization_id);

    let customer = await system.connect('customer', customerToken, 0);
    let agentSocket = await system.connect('agent', agent.token, 1);
    const { chat_id: chatId } = await customer.call('start_chat', { message: { text: 'c0', client_id: 'c0' } });
    await agentSocket.call('join_chat', { chat_id: chatId });

    const customerHas = new Map<number, any>();
    const agentHas = new Map<number, any>();
    const duplicates: number[] = [];
    for (const event of (await customer.call('get_chat', { chat_id: chatId })).events) customerHas.set(event.version, event);
    for (const event of (await agentSocket.call('get_chat', { chat_id: chatId })).events) agentHas.set(event.version, event);
    collect(customer, chatId, customerHas, duplicates);
    collect(agentSocket, chatId, agentHas, duplicates);

    const send = (client: RtmTestClient, text: string) =>
      client.call('send_event', { chat_id: chatId, event: { type: 'message', text, client_id: text } });

    await send(customer, 'c1');
    await send(agentSocket, 'a1');

    // The customer's network drops; the agent keeps writing.
    customer.drop();
    for (const text of ['a2', 'a3', 'a4']) await send(agentSocket, text);
    customer = await system.connect('customer', customerToken, 1); // back on the other replica
    collect(customer, chatId, customerHas, duplicates);
    const customerSince = Math.max(...customerHas.keys());
    for (const event of (await customer.call('get_chat', { chat_id: chatId, since_version: customerSince })).events) {
      if (customerHas.has(event.version)) duplicates.push(event.version);
      customerHas.set(event.version, event);
    }

    // Now the agent's network drops; the customer keeps writing.
    agentSocket.drop();
    for (const text of ['c2', 'c3']) await send(customer, text);
    agentSocket = await system.connect('agent', agent.token, 0);
    collect(agentSocket, chatId, agentHas, duplicates);
    const agentSince = Math.max(...agentHas.keys());
    for (const event of (await agentSocket.call('get_chat', { chat_id: chatId, since_version: agentSince })).events) {
      if (agentHas.has(event.version)) duplicates.push(event.version);
      agentHas.set(event.version, event);
    }

    await send(agentSocket, 'a5');
    const expected = ['c0', 'c1', 'a1', 'a2', 'a3', 'a4', 'c2', 'c3', 'a5'];
    await customer.push('incoming_event', (p) => p.chat_id === chatId && p.event.data.text === 'a5');
    await agentSocket.push('incoming_event', (p) => p.chat_id === chatId && p.event.data.text === 'a5');
    expect(messagesOf(customerHas)).toEqual(expected);
    expect(messagesOf(agentHas)).toEqual(expected);
    expect(duplicates).toEqual([]);

    customer.drop();
    agentSocket.drop();
  });

  it('answers a repeated client id with the stored message instead of storing it twice', async () => {
    const org = await system.createOrganization('Retry Co');
    const customerToken = await system.customerToken(org.organization_id);
    const customer = await system.connect('customer', customerToken);
    const { chat_id: chatId } = await customer.call('start_chat', {});
    const message = { chat_id: chatId, event: { type: 'message', text: 'only once', client_id: 'retry-1' } };
    const [first, second] = await Promise.all([customer.call('send_event', message), customer.call('send_event', message)]);
    const third = await customer.call('send_event', message);
    expect(second.event).toEqual(first.event);
    expect(third.event).toEqual(first.event);
    const { events } = await customer.call('get_chat', { chat_id: chatId });
    expect(events.filter((e: any) => e.type === 'MessagePosted')).toHaveLength(1);
    customer.drop();
  });
});
