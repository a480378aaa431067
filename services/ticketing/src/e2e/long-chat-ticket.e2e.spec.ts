import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem, type RtmTestClient } from '@livedesk/testing';

// The attack of issue 11: an anonymous visitor writes 80 messages of 16 KB in a queued chat
// and leaves. The missed chat becomes a ticket whose TicketCreated once copied the whole
// transcript (1.3 MB, over NATS' max_payload), and the outbox relay stopped for everyone.
describe('a ticket from a long missed chat', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    system = await ChatSystem.start({
      routing: 1,
      ticketing: 1,
      env: { RTM_RATE_LIMIT_PER_SECOND: '1000', RTM_RATE_LIMIT_BURST: '1000' },
    });
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('keeps a bounded transcript excerpt that names the chat, and events keep flowing (a 1.3 MB TicketCreated halted the relay)', async () => {
    const org = await system.createOrganization('Flood');
    const manual = await system.createGroup(org.organization_id, 'Backoffice', 'manual');
    const boss = await system.createAgent(org.organization_id, {
      email: 'boss@flood.test',
      role: 'supervisor',
      groups: [manual],
    });
    const agent = await system.connect('agent', boss.token);
    const visitor = await system.connect('customer', await system.customerToken(org.organization_id));
    sockets.push(agent, visitor);

    const { chat_id: chatId } = await visitor.call('start_chat', { group_id: manual });
    const text = 'w'.repeat(16_384);
    for (let i = 0; i < 80; i++) {
      await visitor.call('send_event', { chat_id: chatId, event: { type: 'message', text, client_id: `flood-${i}` } });
    }
    await visitor.call('close_chat', { chat_id: chatId });
    const created = await agent.push('ticket_created', (p) => p.ticket.conversation_id === chatId, 20_000);
    expect(created.ticket.source).toBe('missed_chat');

    const path = `/v1/organizations/${org.organization_id}/tickets/${created.ticket.ticket_id}`;
    const read = await system.call(system.ticketing[0]!, 'GET', path, undefined, boss.token);
    expect(read.status).toBe(200);
    const ticketCreated = read.body.events.find((event: any) => event.type === 'TicketCreated');
    expect(Buffer.byteLength(JSON.stringify(ticketCreated))).toBeLessThan(128 * 1024);
    const { chat } = await agent.call('get_chat', { chat_id: chatId, since_version: Number.MAX_SAFE_INTEGER });
    expect(ticketCreated.data).toMatchObject({ conversation_id: chatId, transcript_truncated: true });
    expect(ticketCreated.data.chat_version).toBeLessThanOrEqual(chat.version);
    expect(ticketCreated.data.transcript.length).toBeGreaterThan(0);
    expect(ticketCreated.data.transcript.at(-1).text).toBe(text);
    // The chat the excerpt names holds every message, page by page.
    const whole = await agent.readChat(chatId);
    expect(whole.events.filter((event) => event.type === 'MessagePosted')).toHaveLength(80);

    // The relay moved on: a later chat still reaches the agent.
    const next = await system.connect('customer', await system.customerToken(org.organization_id));
    sockets.push(next);
    const { chat_id: later } = await next.call('start_chat', {
      group_id: manual,
      message: { text: 'anyone?', client_id: 'n-1' },
    });
    await agent.push('chat_queued', (p) => p.chat_id === later, 10_000);
  });

  it('pages a ticket history over HTTP with since_version and limit', async () => {
    const org = await system.createOrganization('Thread');
    const admin = await system.createAgent(org.organization_id, { email: 'ann@thread.test', role: 'admin' });
    const base = `/v1/organizations/${org.organization_id}/tickets`;
    const ticketing = system.ticketing[0]!;
    const opened = await system.call(
      ticketing,
      'POST',
      base,
      { client_id: 't-1', subject: 'Long thread', requester: { email: 'reader@thread.test' } },
      admin.token,
    );
    expect(opened.status).toBe(201);
    const ticketId = opened.body.ticket.ticket_id;
    for (let i = 0; i < 5; i++) {
      const noted = await system.call(
        ticketing,
        'POST',
        `${base}/${ticketId}/notes`,
        { client_id: `n-${i}`, text: `note ${i}` },
        admin.token,
      );
      expect(noted.status).toBe(200);
    }
    const versions: number[] = [];
    let since = 0;
    for (;;) {
      const page = await system.call(
        ticketing,
        'GET',
        `${base}/${ticketId}?since_version=${since}&limit=2`,
        undefined,
        admin.token,
      );
      expect(page.status).toBe(200);
      expect(page.body.events.length).toBeLessThanOrEqual(2);
      versions.push(...page.body.events.map((event: any) => event.version));
      if (!page.body.has_more) break;
      since = page.body.next_since_version;
    }
    expect(versions).toEqual(Array.from({ length: opened.body.ticket.version + 5 }, (_, i) => i + 1));
    const refused = await system.call(ticketing, 'GET', `${base}/${ticketId}?limit=501`, undefined, admin.token);
    expect(refused.status).toBe(400);
  });
});
