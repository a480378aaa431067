import { ChatSystem, metricSample, type Frame, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const MAX_IN_FLIGHT = 2;
const RETRY_AFTER_MS = 200;
const CUSTOMERS = 12;
const MESSAGES_EACH = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Overload (issue 14, docs/limits.md "Overload"): a gateway whose requests to the conversation
// service in flight reach RTM_OVERLOAD_MAX_IN_FLIGHT refuses new sends and chats with
// `unavailable` / `overloaded` and a retry hint, keeps answering reads and pushing what it
// accepted, and accepts again once the load is gone. Real sockets against the real services.
describe('overload: new work is shed past the in-flight bound', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    system = await ChatSystem.start({
      env: {
        RTM_OVERLOAD_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
        RTM_OVERLOAD_RETRY_AFTER_MS: String(RETRY_AFTER_MS),
      },
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('refuses sends and chats with a retry hint while the bound is passed, keeps reads and pushes, and accepts again', async () => {
    const org = await system.createOrganization('Busy');
    const alice = await system.createAgent(org.organization_id, { email: 'alice@busy.test' });
    const agent = await system.connect('agent', alice.token);
    sockets.push(agent);

    // One at a time, so that nothing of the setup is shed: customers with a chat the agent took.
    const customers: { socket: RtmTestClient; chatId: string }[] = [];
    for (let c = 0; c < CUSTOMERS; c++) {
      const socket = await system.connect('customer');
      sockets.push(socket);
      await socket.login(await system.customerToken(org.organization_id));
      const { chat_id: chatId } = await socket.call('start_chat', {});
      await agent.call('join_chat', { chat_id: chatId });
      customers.push({ socket, chatId });
    }
    const newcomers: RtmTestClient[] = [];
    for (let n = 0; n < 3; n++) {
      const socket = await system.connect('customer');
      sockets.push(socket);
      await socket.login(await system.customerToken(org.organization_id));
      newcomers.push(socket);
    }

    // The burst: every customer sends its messages and then reads its chat, all sockets at once;
    // the newcomers start chats in the same moment.
    const clientId = (c: number, m: number) => `burst-${c}-${m}`;
    const sends = customers.flatMap(({ socket, chatId }, c) =>
      Array.from({ length: MESSAGES_EACH }, (_, m) =>
        socket
          .request('send_event', {
            chat_id: chatId,
            event: { type: 'message', text: `m${m}`, client_id: clientId(c, m) },
          })
          .then((frame) => ({ c, m, frame })),
      ),
    );
    const reads = customers.map(({ socket, chatId }) =>
      socket.request('get_chat', { chat_id: chatId, since_version: 0 }),
    );
    const starts = newcomers.map((socket) => socket.request('start_chat', {}));
    const sent = await Promise.all(sends);
    const started = await Promise.all(starts);
    const read = await Promise.all(reads);

    const refusals = [...sent.map((s) => s.frame), ...started].filter((frame) => !frame.success);
    expect(refusals.length).toBeGreaterThan(0);
    for (const frame of refusals) {
      const error = frame.payload.error;
      expect(error).toMatchObject({ code: 'unavailable', reason: 'overloaded' });
      // The hint: the configured base, spread by up to +50 %.
      expect(error.retry_after_ms).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
      expect(error.retry_after_ms).toBeLessThanOrEqual(RETRY_AFTER_MS * 1.5);
    }
    const accepted = sent.filter((s) => s.frame.success);
    expect(accepted.length).toBeGreaterThan(0);
    // Reads are never shed, even queued behind refused sends on the same socket.
    for (const frame of read) expect(frame.success).toBe(true);

    // Every accepted message reaches the agent as a push; a refused one was not stored.
    for (const { frame } of accepted) {
      const eventId = frame.payload.event.event_id;
      await agent.push('incoming_event', (p) => p.event?.event_id === eventId);
    }
    for (const [c, { socket, chatId }] of customers.entries()) {
      const { events } = await socket.readChat(chatId);
      const stored = events.filter((e) => e.type === 'MessagePosted').map((e) => e.data.client_id);
      const mine = accepted.filter((s) => s.c === c).map((s) => clientId(c, s.m));
      expect(stored.sort()).toEqual(mine.sort());
    }

    // The gateway counted what it shed, by action and cause.
    const page = await (await fetch(`${system.gatewayUrl()}/metrics`)).text();
    const shedSends = sent.filter((s) => !s.frame.success).length;
    const shedStarts = started.filter((frame) => !frame.success).length;
    expect(
      metricSample(page, 'rtm_shed_total', { endpoint: 'customer', action: 'send_event', cause: 'in_flight' }) ?? 0,
    ).toBe(shedSends);
    expect(
      metricSample(page, 'rtm_shed_total', { endpoint: 'customer', action: 'start_chat', cause: 'in_flight' }) ?? 0,
    ).toBe(shedStarts);
    expect(metricSample(page, 'rtm_conversation_requests_in_flight', {})).toBe(0);
    // The pushes kept up: the lag of the last one, well below the default bound (2 s).
    expect(metricSample(page, 'rtm_push_lag_seconds', {})).toBeLessThan(2);

    // The load is gone: what was refused is sent again after its hint, one at a time, and accepted.
    for (const { c, m, frame } of sent.filter((s) => !s.frame.success)) {
      await sleep(frame.payload.error.retry_after_ms);
      const again: Frame = await customers[c]!.socket.request('send_event', {
        chat_id: customers[c]!.chatId,
        event: { type: 'message', text: `m${m}`, client_id: clientId(c, m) },
      });
      expect(again.success).toBe(true);
    }
    for (const [n, frame] of started.entries()) {
      if (frame.success) continue;
      await sleep(frame.payload.error.retry_after_ms);
      expect((await newcomers[n]!.request('start_chat', {})).success).toBe(true);
    }
    for (const [c, { socket, chatId }] of customers.entries()) {
      const { events } = await socket.readChat(chatId);
      const stored = events.filter((e) => e.type === 'MessagePosted').map((e) => e.data.client_id);
      expect(stored.sort()).toEqual(Array.from({ length: MESSAGES_EACH }, (_, m) => clientId(c, m)).sort());
    }
  });
});
