import { ChatSystem, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

/** The texts of the messages a client has, from pushes and catch-up, in version order, each once. */
function messagesOf(events: Map<number, any>): string[] {
  return [...events.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, e]) => e.type === 'MessagePosted')
    .map(([, e]) => e.data.text);
}

/**
 * The version to resume from: the highest one up to which the client has every event. (Its
 * own sends answer with their versions at once, possibly ahead of pushes still on the way.)
 */
function resumeFrom(events: Map<number, any>): number {
  let version = 0;
  while (events.has(version + 1)) version += 1;
  return version;
}

/**
 * Keeps the chat's events a client received as pushes, by version, as a client does: a push
 * and a catch-up may overlap after a reconnect, and the version says it is the same event.
 * The same version pushed twice to one socket would be the server's error, and is caught.
 */
function collect(client: RtmTestClient, chatId: string, into: Map<number, any>, duplicates: number[]): void {
  const pushed = new Set<number>();
  client.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'push' && frame.action === 'incoming_event' && frame.payload.chat_id === chatId) {
      if (pushed.has(frame.payload.version)) duplicates.push(frame.payload.version);
      pushed.add(frame.payload.version);
      into.set(frame.payload.version, frame.payload.event);
    }
  });
}

// docs/protocol.md: "no message is ever lost to a reconnect". Sockets are cut without a close
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
    for (const event of (await customer.readChat(chatId)).events) customerHas.set(event.version, event);
    for (const event of (await agentSocket.readChat(chatId)).events) agentHas.set(event.version, event);
    collect(customer, chatId, customerHas, duplicates);
    collect(agentSocket, chatId, agentHas, duplicates);

    // A client keeps what it sent from the response (the gateway does not echo it back as a
    // push to the socket that sent it), and what others sent from pushes.
    const send = async (client: RtmTestClient, text: string) => {
      const { event } = await client.call('send_event', {
        chat_id: chatId,
        event: { type: 'message', text, client_id: text },
      });
      (client === customer ? customerHas : agentHas).set(event.version, event);
    };

    await send(customer, 'c1');
    await send(agentSocket, 'a1');

    // The customer's network drops; the agent keeps writing.
    customer.drop();
    for (const text of ['a2', 'a3', 'a4']) await send(agentSocket, text);
    customer = await system.connect('customer', customerToken, 1); // back on the other replica
    collect(customer, chatId, customerHas, duplicates);
    const customerSince = resumeFrom(customerHas);
    for (const event of (await customer.readChat(chatId, customerSince)).events) {
      customerHas.set(event.version, event);
    }

    // Now the agent's network drops; the customer keeps writing.
    agentSocket.drop();
    for (const text of ['c2', 'c3']) await send(customer, text);
    agentSocket = await system.connect('agent', agent.token, 0);
    collect(agentSocket, chatId, agentHas, duplicates);
    const agentSince = resumeFrom(agentHas);
    for (const event of (await agentSocket.readChat(chatId, agentSince)).events) {
      agentHas.set(event.version, event);
    }

    await send(agentSocket, 'a5');
    const expected = ['c0', 'c1', 'a1', 'a2', 'a3', 'a4', 'c2', 'c3', 'a5'];
    await customer.push('incoming_event', (p) => p.chat_id === chatId && p.event.data.text === 'a5');
    expect(messagesOf(customerHas)).toEqual(expected);
    expect(messagesOf(agentHas)).toEqual(expected);
    expect(duplicates).toEqual([]);

    customer.drop();
    agentSocket.drop();
  });

  it("lists each open chat in the login answer at its stream's version, and pushes every later event after the answer", async () => {
    const org = await system.createOrganization('Resume Ltd');
    const agent = await system.createAgent(org.organization_id, { email: 'agent@resume.test' });
    const customerToken = await system.customerToken(org.organization_id);
    const first = await system.connect('customer', customerToken, 0);
    const { chat_id: chatId } = await first.call('start_chat', { message: { text: 'hello', client_id: 'h' } });
    const agentSocket = await system.connect('agent', agent.token, 1);
    await agentSocket.call('join_chat', { chat_id: chatId });
    const send = async (text: string) =>
      (await agentSocket.call('send_event', { chat_id: chatId, event: { type: 'message', text, client_id: text } }))
        .event.version as number;

    // Messages do not change what a chat list shows, yet the login answer's version counts them.
    first.drop();
    await send('while you were away');
    const latest = await send('are you there?');
    const customer = await system.connect('customer', undefined, 1);
    const answer = await customer.login(customerToken);
    expect(answer.chats.map((chat: any) => [chat.chat_id, chat.version])).toEqual([[chatId, latest]]);
    const agentAgain = await system.connect('agent', agent.token, 0);
    expect(customer.frames[0]).toMatchObject({ type: 'response', action: 'login' });
    const agentLogin = agentAgain.frames.find((frame) => frame.action === 'login')!.payload;
    expect(agentLogin.chats.map((chat: any) => [chat.chat_id, chat.version])).toEqual([[chatId, latest]]);

    // Logins racing the agent's writes: on each socket, every message after the version its
    // login answered is pushed, and the login answer is the socket's first frame.
    const logins: { socket: RtmTestClient; version: number }[] = [];
    let writing = true;
    const written = (async () => {
      const versions: number[] = [];
      for (let i = 0; i < 40; i++) versions.push(await send(`w${i}`));
      writing = false;
      return versions;
    })();
    while (writing) {
      const socket = await system.connect('customer', undefined, logins.length % 2);
      const reply = await socket.login(customerToken);
      logins.push({ socket, version: reply.chats.find((chat: any) => chat.chat_id === chatId).version });
    }
    const versions = await written;
    const last = versions.at(-1)!;
    expect(logins.length).toBeGreaterThan(2);
    for (const { socket, version } of logins) {
      expect(socket.frames[0]).toMatchObject({ type: 'response', action: 'login', success: true });
      if (version < last) await socket.push('incoming_event', (p) => p.chat_id === chatId && p.version === last);
      const pushed = new Set(socket.pushes('incoming_event').map((p) => p.version));
      expect(versions.filter((v) => v > version && !pushed.has(v))).toEqual([]);
      socket.drop();
    }
    for (const socket of [customer, agentSocket, agentAgain]) socket.drop();
  });

  it('answers a repeated client id with the stored message instead of storing it twice', async () => {
    const org = await system.createOrganization('Retry Co');
    const customerToken = await system.customerToken(org.organization_id);
    const customer = await system.connect('customer', customerToken);
    const { chat_id: chatId } = await customer.call('start_chat', {});
    const message = { chat_id: chatId, event: { type: 'message', text: 'only once', client_id: 'retry-1' } };
    const [first, second] = await Promise.all([
      customer.call('send_event', message),
      customer.call('send_event', message),
    ]);
    const third = await customer.call('send_event', message);
    expect(second.event).toEqual(first.event);
    expect(third.event).toEqual(first.event);
    const { events } = await customer.readChat(chatId);
    expect(events.filter((e: any) => e.type === 'MessagePosted')).toHaveLength(1);
    customer.drop();
  });

  it("pushes a message to the sender's other sockets, not back to the socket that sent it", async () => {
    const org = await system.createOrganization('Two Devices');
    const customerToken = await system.customerToken(org.organization_id);
    const laptop = await system.connect('customer', customerToken, 0);
    const phone = await system.connect('customer', customerToken, 1);
    const { chat_id: chatId } = await laptop.call('start_chat', {});
    const { event } = await laptop.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'from the laptop', client_id: 'l-1' },
    });
    const onPhone = await phone.push('incoming_event', (p) => p.event.event_id === event.event_id);
    expect(onPhone.event).toEqual(event);
    // By the time the phone has it, the laptop would have it too if it were echoed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(laptop.pushes('incoming_event').filter((p) => p.event.event_id === event.event_id)).toEqual([]);
    laptop.drop();
    phone.drop();
  });
});
