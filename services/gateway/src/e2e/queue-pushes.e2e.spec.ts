import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem, type RtmTestClient } from '@livedesk/testing';

const CHATS = 30;

// Queue pushes are coalesced per organization (docs/protocol.md, `chats_queued`): an agent's
// socket hears at most one queue push per RTM_QUEUE_PUSH_INTERVAL_MS however fast chats start,
// and still every queued chat, once.
describe('queue pushes to agents', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    system = await ChatSystem.start({
      gateways: 1,
      env: { RTM_QUEUE_PUSH_INTERVAL_MS: '250', RTM_DEQUEUE_PUSH_INTERVAL_MS: '1000' },
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  /** The logged-in socket of an agent of another organization, which must hear nothing. */
  async function strangerAgent(organization: string, email: string): Promise<RtmTestClient> {
    const other = await system.createOrganization(organization);
    const socket = await system.connect('agent', (await system.createAgent(other.organization_id, { email })).token, 0);
    sockets.push(socket);
    return socket;
  }

  it('tells each agent of every chat queued in a burst, in a few frames', async () => {
    const org = await system.createOrganization('Burst');
    const group = await system.createGroup(org.organization_id, 'Support');
    const agents: RtmTestClient[] = [];
    for (const name of ['ann', 'ben']) {
      const agent = await system.createAgent(org.organization_id, { email: `${name}@burst.test`, groups: [group] });
      const socket = await system.connect('agent', agent.token, 0);
      sockets.push(socket);
      agents.push(socket);
    }
    // Another organization's agent hears nothing of these chats.
    const stranger = await strangerAgent('Elsewhere', 'eve@elsewhere.test');

    const customers: RtmTestClient[] = [];
    for (let n = 0; n < CHATS; n++) {
      const customer = await system.connect('customer', undefined, 0);
      await customer.login(await system.customerToken(org.organization_id));
      customers.push(customer);
      sockets.push(customer);
    }
    const started = performance.now();
    const chatIds = (
      await Promise.all(customers.map((customer) => customer.call('start_chat', { group_id: group })))
    ).map((answer) => answer.chat_id as string);
    for (const agent of agents)
      await Promise.all(chatIds.map((chatId) => agent.push('chat_queued', (p) => p.chat_id === chatId)));
    const elapsed = performance.now() - started;

    for (const agent of agents) {
      const frames = agent.frames.filter(
        (frame) => frame.type === 'push' && (frame.action === 'chat_queued' || frame.action === 'chats_queued'),
      );
      const heard = frames.flatMap((frame) =>
        frame.action === 'chat_queued' ? [frame.payload] : (frame.payload as { chats: any[] }).chats,
      );
      // Every chat once, with its group and version.
      expect(heard.map((chat: any) => chat.chat_id).sort()).toEqual([...chatIds].sort());
      for (const chat of heard) expect(chat).toMatchObject({ group_id: group, version: expect.any(Number) });
      // At most one frame per period, plus the first at once.
      expect(frames.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 1);
      expect(frames.length).toBeLessThan(CHATS);
      for (const frame of frames.filter((f) => f.action === 'chats_queued'))
        expect((frame.payload as { chats: unknown[] }).chats.length).toBeGreaterThan(1);
    }
    expect(stranger.pushes('chat_queued')).toEqual([]);
    expect(stranger.pushes('chats_queued')).toEqual([]);
  });

  it('tells each agent of the chats that left the queue: taken by another agent or closed while waiting', async () => {
    const org = await system.createOrganization('Taken');
    const [ann, ben] = await Promise.all(
      ['ann', 'ben'].map(async (name) => {
        const agent = await system.createAgent(org.organization_id, { email: `${name}@taken.test` });
        const socket = await system.connect('agent', agent.token, 0);
        sockets.push(socket);
        return socket;
      }),
    );
    const stranger = await strangerAgent('Far away', 'eve@far.test');
    const customers: RtmTestClient[] = [];
    const chatIds: string[] = [];
    for (let n = 0; n < 6; n++) {
      const customer = await system.connect('customer', await system.customerToken(org.organization_id), 0);
      sockets.push(customer);
      customers.push(customer);
      chatIds.push((await customer.call('start_chat', {})).chat_id);
    }
    for (const chatId of chatIds) await ben!.push('chat_queued', (p) => p.chat_id === chatId);

    // Ann takes three; the customers of the other three give up waiting.
    const versions = new Map<string, number>();
    const started = performance.now();
    for (const [i, chatId] of chatIds.entries()) {
      const answer =
        i < 3
          ? await ann!.call('join_chat', { chat_id: chatId })
          : await customers[i]!.call('close_chat', { chat_id: chatId });
      versions.set(chatId, answer.version);
    }
    const heard = new Map<string, number>();
    const dequeued = () => {
      for (const push of ben!.pushes('chats_dequeued'))
        for (const chat of push.chats) heard.set(chat.chat_id, Math.max(heard.get(chat.chat_id) ?? 0, chat.version));
      return heard.size;
    };
    while (dequeued() < chatIds.length) await ben!.next((frame) => frame.action === 'chats_dequeued');
    expect([...heard.keys()].sort()).toEqual([...chatIds].sort());
    for (const chatId of chatIds) expect(heard.get(chatId)).toBeLessThanOrEqual(versions.get(chatId)!);
    // At most one frame per period (the first at once), as the queued chats'.
    expect(ben!.pushes('chats_dequeued').length).toBeLessThanOrEqual(
      Math.ceil((performance.now() - started) / 250) + 1,
    );
    expect(stranger.pushes('chats_dequeued')).toEqual([]);
  });
});
