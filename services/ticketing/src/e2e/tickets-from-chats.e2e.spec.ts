import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.js';

// Tickets from chats over real sockets against the real services (conversation, routing,
// gateway, ticketing): a message left when nobody accepts, create_ticket with the transcript,
// public replies reaching the requester (socket and email) while internal notes never do, and
// the HTTP API's refusals of bad input.
describe('tickets from chats', () => {
  let system: ChatSystem;
  let sink: SmtpSink;
  const sockets: RtmTestClient[] = [];
  let ticketingUrl: string;

  const api = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${ticketingUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const open = async (endpoint: 'customer' | 'agent', token: string) => {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    system = await ChatSystem.start({
      routing: 1,
      ticketing: 1,
      env: {
        SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
        OUTBOUND_EMAIL_POLL_MS: '100',
        INBOUND_EMAIL_DOMAIN: 'inbound.test',
      },
    });
    ticketingUrl = system.ticketing[0]!.url;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
    await sink?.close();
  });

  it('turns the message of a customer nobody could take into a ticket, and keeps internal notes from the requester', async () => {
    const org = await system.createOrganization('Nightshift');
    const alice = await system.createAgent(org.organization_id, {
      email: 'alice@night.test',
      groups: [org.default_group_id],
    });
    const agent = await open('agent', alice.token);
    await agent.call('set_routing_status', { status: 'not_accepting' });
    const customer = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: chatId } = await customer.call('start_chat', {
      message: { text: 'Is my order shipped?', client_id: 'c-1' },
    });
    const waiting = await customer.push(
      'queue_position_updated',
      (p) => p.chat_id === chatId && p.agents_available === false,
    );
    expect(waiting.agents_available).toBe(false);
    await customer.call('leave_message', {
      chat_id: chatId,
      email: 'ann@example.test',
      name: 'Ann',
      text: 'Please email me about order 1234.',
    });

    const created = await agent.push('ticket_created', (p) => p.ticket.conversation_id === chatId, 15_000);
    expect(created.ticket).toMatchObject({
      source: 'offline_message',
      status: 'open',
      group_id: org.default_group_id,
      requester: { email: 'ann@example.test', name: 'Ann' },
    });
    const ticketId: string = created.ticket_id;
    const read = await api('GET', `/v1/organizations/${org.organization_id}/tickets/${ticketId}`, alice.token);
    expect(read.status).toBe(200);
    const [opened, first] = read.body.events;
    expect(opened.data.transcript.map((m: any) => m.text)).toEqual(['Is my order shipped?']);
    expect(first).toMatchObject({
      type: 'TicketReplied',
      data: { author: { kind: 'customer' }, via: 'widget', text: 'Please email me about order 1234.' },
    });
    // The acknowledgement of a left message is fixed text: the address is whatever the visitor typed.
    await waitFor(
      () => sink.mails.find((mail) => mail.subject === `[${created.ticket.reference}] We have received your message`),
      { what: 'the acknowledgement' },
    );

    // A note, then a public reply: the requester gets the reply (socket and email), never the note.
    const note = await api('POST', `/v1/organizations/${org.organization_id}/tickets/${ticketId}/notes`, alice.token, {
      client_id: 'n-1',
      text: 'INTERNAL-ONLY: VIP, ships from the other warehouse',
    });
    expect(note.status).toBe(200);
    await agent.push('ticket_updated', (p) => p.ticket_id === ticketId && p.type === 'InternalNoteAdded');
    const reply = await api(
      'POST',
      `/v1/organizations/${org.organization_id}/tickets/${ticketId}/replies`,
      alice.token,
      { client_id: 'r-1', text: 'Your order ships tomorrow.' },
    );
    expect(reply.body.ticket.status).toBe('pending');
    const pushed = await customer.push('ticket_reply', (p) => p.ticket_id === ticketId);
    expect(pushed.reply).toMatchObject({
      author: { kind: 'agent', id: alice.agentId },
      text: 'Your order ships tomorrow.',
    });
    await waitFor(() => sink.mails.find((mail) => mail.text?.includes('Your order ships tomorrow.')), {
      what: 'the emailed reply',
    });
    await agent.push('ticket_updated', (p) => p.ticket_id === ticketId && p.type === 'TicketStatusChanged');
    expect(JSON.stringify(customer.frames)).not.toContain('INTERNAL-ONLY');
    expect(sink.mails.some((mail) => `${mail.subject} ${mail.text}`.includes('INTERNAL-ONLY'))).toBe(false);
  });

  it("opens a ticket from a chat with its transcript, once, for an agent who may read it, never for another organization's", async () => {
    const org = await system.createOrganization('Daytime');
    const vip = await system.createGroup(org.organization_id, 'VIP', 'manual');
    const bob = await system.createAgent(org.organization_id, { email: 'bob@day.test', groups: [vip] });
    const carol = await system.createAgent(org.organization_id, { email: 'carol@day.test', groups: [vip] });
    const agent = await open('agent', bob.token);
    const colleague = await open('agent', carol.token);
    const identity = await new SignJWT({ email: 'dan@example.test', name: 'Dan' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('site-user-7')
      .sign(new TextEncoder().encode(org.identity_secret));
    const customer = await open('customer', await system.customerToken(org.organization_id, identity));
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: vip,
      message: { text: 'My invoice has the wrong address', client_id: 'c-1' },
    });
    await agent.call('join_chat', { chat_id: chatId });
    await agent.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Which address should it show?', client_id: 'b-1' },
    });
    await customer.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: '1 Main Street, Springfield', client_id: 'c-2' },
    });

    const ticket = await agent.call('create_ticket', { chat_id: chatId, subject: 'Invoice address change' });
    expect(ticket.reference).toMatch(/^LD-/);
    const again = await agent.call('create_ticket', { chat_id: chatId });
    expect(again.ticket_id).toBe(ticket.ticket_id);
    const created = await colleague.push('ticket_created', (p) => p.ticket_id === ticket.ticket_id);
    expect(created.ticket).toMatchObject({
      subject: 'Invoice address change',
      source: 'chat',
      group_id: vip,
      requester: { email: 'dan@example.test', name: 'Dan' },
    });
    const read = await api('GET', `/v1/organizations/${org.organization_id}/tickets/${ticket.ticket_id}`, carol.token);
    expect(read.body.events[0].data.transcript.map((m: any) => [m.author.kind, m.text])).toEqual([
      ['customer', 'My invoice has the wrong address'],
      ['agent', 'Which address should it show?'],
      ['customer', '1 Main Street, Springfield'],
    ]);

    // Another organization's agent finds no such chat, and no such ticket.
    const other = await system.createOrganization('Elsewhere');
    const mallory = await system.createAgent(other.organization_id, { email: 'mallory@else.test', role: 'admin' });
    const intruder = await open('agent', mallory.token);
    const refused = await intruder.request('create_ticket', { chat_id: chatId });
    expect(refused.payload.error.code).toBe('not_found');
    const path = `/v1/organizations/${org.organization_id}/tickets/${ticket.ticket_id}`;
    expect((await api('GET', path, mallory.token)).body.error).toMatchObject({
      code: 'authorization',
      reason: 'other_organization',
    });
    const underOwn = await api(
      'GET',
      `/v1/organizations/${other.organization_id}/tickets/${ticket.ticket_id}`,
      mallory.token,
    );
    const missing = await api(
      'GET',
      `/v1/organizations/${other.organization_id}/tickets/00000000-0000-4000-8000-000000000000`,
      mallory.token,
    );
    expect(underOwn).toEqual(missing);
    expect(underOwn.status).toBe(404);

    // Assignment: an agent of the organization, not one of another (checked with the identity service's directory).
    const assigned = await api('POST', `${path}/assignment`, bob.token, { agent_id: carol.agentId });
    expect(assigned.body).toMatchObject({ ticket: { assignee_id: carol.agentId, group_id: vip } });
    await colleague.push('ticket_updated', (p) => p.ticket_id === ticket.ticket_id && p.type === 'TicketAssigned');
    const foreign = await api('POST', `${path}/assignment`, bob.token, { agent_id: mallory.agentId });
    expect(foreign).toMatchObject({ status: 404, body: { error: { code: 'not_found', reason: 'agent_not_found' } } });
    const filtered = await api(
      'GET',
      `/v1/organizations/${org.organization_id}/tickets?assignee_id=${carol.agentId}&group_id=${vip}&status=open&q=Springfield`,
      bob.token,
    );
    expect(filtered.body.tickets.map((t: any) => t.ticket_id)).toEqual([ticket.ticket_id]);
    const otherGroup = await api(
      'GET',
      `/v1/organizations/${org.organization_id}/tickets?group_id=${org.default_group_id}`,
      bob.token,
    );
    expect(otherGroup.body.tickets).toEqual([]);
    const otherText = await api('GET', `/v1/organizations/${org.organization_id}/tickets?q=Shelbyville`, bob.token);
    expect(otherText.body.tickets).toEqual([]);
  });

  it('opens a ticket for a chat missed in the queue, but not for a customer who left without a word', async () => {
    const org = await system.createOrganization('Queue');
    const manual = await system.createGroup(org.organization_id, 'Backoffice', 'manual');
    const gus = await system.createAgent(org.organization_id, { email: 'gus@queue.test', groups: [manual] });
    const agent = await open('agent', gus.token);
    const silent = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: quiet } = await silent.call('start_chat', { group_id: manual });
    await silent.call('close_chat', { chat_id: quiet });
    const waited = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: missed } = await waited.call('start_chat', {
      group_id: manual,
      message: { text: 'Hello? I need a copy of my contract.', client_id: 'w-1' },
    });
    await waited.call('close_chat', { chat_id: missed });
    const created = await agent.push('ticket_created', (p) => p.ticket.conversation_id === missed, 15_000);
    expect(created.ticket).toMatchObject({
      source: 'missed_chat',
      subject: 'Hello? I need a copy of my contract.',
      group_id: manual,
    });
    // The silent chat was missed first: the subscription (one event at a time, in the order of
    // the log) had handled it before it created the other ticket.
    const list = await api('GET', `/v1/organizations/${org.organization_id}/tickets`, gus.token);
    expect(list.body.tickets.map((t: any) => t.conversation_id)).toEqual([missed]);
  });

  it("lets an agent make a chat's ticket exactly when the conversation service lets them read the chat", async () => {
    const org = await system.createOrganization('Requeue');
    const sales = await system.createGroup(org.organization_id, 'Sales', 'manual');
    const billing = await system.createGroup(org.organization_id, 'Billing', 'manual');
    const kim = await system.createAgent(org.organization_id, { email: 'kim@requeue.test', groups: [sales] });
    const lee = await system.createAgent(org.organization_id, { email: 'lee@requeue.test', groups: [billing] });
    const first = await open('agent', kim.token);
    const second = await open('agent', lee.token);
    const customer = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: sales,
      message: { text: 'Can I pay by invoice?', client_id: 'q-1' },
    });
    await first.call('join_chat', { chat_id: chatId });
    // Kim holds it: lee, never assigned and no supervisor, may not read it, nor make its ticket.
    const refused = await second.request('create_ticket', { chat_id: chatId });
    expect(refused.payload.error.code).toBe('authorization');
    // Back in a queue, any agent may read it (to decide whether to take it), and make its ticket.
    await first.call('transfer_chat', { chat_id: chatId, target: { group_id: billing } });
    const ticket = await second.call('create_ticket', { chat_id: chatId, subject: 'Invoice payment' });
    const read = await api('GET', `/v1/organizations/${org.organization_id}/tickets/${ticket.ticket_id}`, lee.token);
    expect(read.body.events[0].data).toMatchObject({
      source: 'chat',
      conversation_id: chatId,
      created_by: { kind: 'agent', id: lee.agentId },
    });
  });

  it("adds a message left in a chat that has a ticket already to that ticket, as the customer's reply", async () => {
    const org = await system.createOrganization('Followup');
    const returns = await system.createGroup(org.organization_id, 'Returns', 'manual');
    const hal = await system.createAgent(org.organization_id, { email: 'hal@follow.test', groups: [returns] });
    const agent = await open('agent', hal.token);
    const customer = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: returns,
      message: { text: 'My parcel came damaged.', client_id: 'p-1' },
    });
    // Still queued: hal may read it and makes its ticket; then the customer gives up waiting.
    const ticket = await agent.call('create_ticket', { chat_id: chatId, subject: 'Damaged parcel' });
    await customer.call('leave_message', {
      chat_id: chatId,
      email: 'ivy@example.test',
      text: 'Photos are on their way by email.',
    });
    await agent.push('ticket_updated', (p) => p.ticket_id === ticket.ticket_id && p.type === 'TicketReplied', 15_000);
    const read = await api('GET', `/v1/organizations/${org.organization_id}/tickets/${ticket.ticket_id}`, hal.token);
    expect(read.body.events.map((e: any) => e.type)).toEqual(['TicketCreated', 'TicketReplied']);
    expect(read.body.events[1]).toMatchObject({
      data: { author: { kind: 'customer' }, via: 'widget', text: 'Photos are on their way by email.' },
    });
    const list = await api('GET', `/v1/organizations/${org.organization_id}/tickets`, hal.token);
    expect(list.body.tickets.map((t: any) => [t.ticket_id, t.source])).toEqual([[ticket.ticket_id, 'chat']]);
  });

  it('refuses bad HTTP input with a clear reason, and answers a repeated client id with the same ticket', async () => {
    const org = await system.createOrganization('Strict');
    const erin = await system.createAgent(org.organization_id, { email: 'erin@strict.test' });
    const base = `/v1/organizations/${org.organization_id}/tickets`;
    const body = {
      client_id: 'form-1',
      subject: 'Refund',
      requester: { email: 'fay@example.test' },
      message: { text: 'Please refund me.' },
    };
    expect((await api('POST', base, undefined, body)).body.error).toMatchObject({
      code: 'authentication',
      reason: 'no_credentials',
    });
    expect((await api('POST', base, 'not-a-token', body)).body.error).toMatchObject({
      code: 'authentication',
      reason: 'token_invalid',
    });
    const malformed = await api('POST', base, erin.token, '{"subject": ');
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'validation' } } });
    const unknown = await api('POST', base, erin.token, { ...body, colour: 'red' });
    expect(unknown.body.error.message).toContain('unknown field "colour"');
    const noRequester = await api('POST', base, erin.token, { ...body, requester: {} });
    expect(noRequester.body.error.message).toContain('requester needs an email or a customer_id');
    const badStatus = await api('GET', `${base}?status=closed`, erin.token);
    expect(badStatus.status).toBe(400);
    expect((await api('GET', `${base}?cursor=garbage`, erin.token)).body.error.reason).toBe('invalid_cursor');

    const first = await api('POST', base, erin.token, body);
    expect(first).toMatchObject({ status: 201, body: { duplicate: false, ticket: { source: 'api', status: 'open' } } });
    const repeat = await api('POST', base, erin.token, body);
    expect(repeat).toMatchObject({
      status: 200,
      body: { duplicate: true, ticket: { ticket_id: first.body.ticket.ticket_id } },
    });
    const ticketPath = `${base}/${first.body.ticket.ticket_id}`;
    expect((await api('POST', `${ticketPath}/replies`, erin.token, { client_id: 'r', text: '' })).status).toBe(400);
    expect(
      (await api('POST', `${ticketPath}/replies`, erin.token, { client_id: 'r', text: 'ok', attachment_ids: ['nope'] }))
        .body.error.reason,
    ).toBe('attachment_not_found');
    await api('POST', `${ticketPath}/status`, erin.token, { status: 'spam' });
    expect(
      (await api('POST', `${ticketPath}/replies`, erin.token, { client_id: 'r', text: 'hello spammer' })).body.error,
    ).toMatchObject({ code: 'conflict', reason: 'ticket_is_spam' });
    expect((await api('GET', base, erin.token)).body.tickets).toEqual([]);
    expect((await api('GET', `${base}?status=spam`, erin.token)).body.tickets).toHaveLength(1);
    const openapi = await fetch(`${ticketingUrl}/v1/openapi.json`);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});
