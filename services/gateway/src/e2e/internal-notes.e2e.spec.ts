import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, EventStore } from '@livedesk/event-store';
import { ChatSystem, type RtmTestClient } from '@livedesk/testing';

/** Every note's text starts with this, so that one search of a socket's frames finds any leak. */
const SECRET = 'NOTE-ONLY-FOR-AGENTS';

// Internal notes (`send_event` with `visibility: "agents"`) over real sockets against the real
// services: the agents of the chat and the supervisors get them, the customer never does (no
// push, not in get_chat, not in list_chats), bad input changes nothing, and a ticket made from
// the chat keeps them as its internal notes, outside its transcript.
describe('internal notes in live chats', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];
  const open = async (endpoint: 'customer' | 'agent', token: string, replica = 0) => {
    const socket = await system.connect(endpoint, token, replica);
    sockets.push(socket);
    return socket;
  };
  const note = (text: string, clientId: string) => ({
    type: 'message',
    text: `${SECRET} ${text}`,
    client_id: clientId,
    visibility: 'agents',
  });

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 2, ticketing: 1 });
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('reaches the agents of the chat and the supervisors, never the customer, and a ticket keeps it as a note', async () => {
    const org = await system.createOrganization('Notes');
    const sales = await system.createGroup(org.organization_id, 'Sales', 'manual');
    const aliceAccount = await system.createAgent(org.organization_id, { email: 'alice@notes.test', groups: [sales] });
    const bobAccount = await system.createAgent(org.organization_id, { email: 'bob@notes.test', groups: [sales] });
    const sueAccount = await system.createAgent(org.organization_id, { email: 'sue@notes.test', role: 'supervisor' });
    const alice = await open('agent', aliceAccount.token, 1);
    const bob = await open('agent', bobAccount.token, 1);
    const sue = await open('agent', sueAccount.token, 0);
    const customer = await open('customer', await system.customerToken(org.organization_id), 0);

    // A note in a queued chat: any agent may read it, so any agent may annotate it.
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: sales,
      message: { text: 'My order is late', client_id: 'c-1' },
    });
    await alice.push('chat_queued', (p) => p.chat_id === chatId);
    const queuedNote = await bob.call('send_event', {
      chat_id: chatId,
      event: note('seen this customer before', 'b-1'),
    });
    expect(queuedNote.event).toMatchObject({
      type: 'InternalNotePosted',
      data: { author: { kind: 'agent', id: bobAccount.agentId }, client_id: 'b-1' },
    });
    await sue.push('incoming_event', (p) => p.event.event_id === queuedNote.event.event_id);

    // Alice serves the chat, answers, and hands it to Bob; then she notes something for him.
    await alice.call('join_chat', { chat_id: chatId });
    await alice.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Let me check.', client_id: 'a-1' },
    });
    await alice.call('transfer_chat', { chat_id: chatId, target: { agent_id: bobAccount.agentId } });
    await bob.push('incoming_chat', (p) => p.chat_id === chatId);
    const handover = await alice.call('send_event', {
      chat_id: chatId,
      event: note('parcel is lost, offer a refund', 'a-2'),
    });
    expect(handover.event).toMatchObject({
      type: 'InternalNotePosted',
      data: { text: `${SECRET} parcel is lost, offer a refund` },
    });
    const toBob = await bob.push('incoming_event', (p) => p.event.event_id === handover.event.event_id);
    const toSue = await sue.push('incoming_event', (p) => p.event.event_id === handover.event.event_id);
    expect(toBob).toEqual(toSue);
    expect(toBob).toMatchObject({
      chat_id: chatId,
      version: handover.event.version,
      event: { type: 'InternalNotePosted', data: { author: { kind: 'agent', id: aliceAccount.agentId } } },
    });

    // The same client id again stores nothing new and answers with the stored note.
    const again = await alice.call('send_event', {
      chat_id: chatId,
      event: note('parcel is lost, offer a refund', 'a-2'),
    });
    expect(again.event).toEqual(handover.event);

    // Bob answers the customer; the customer gets his message (a version after the hidden note).
    const answer = await bob.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'You get a refund.', client_id: 'b-2' },
    });
    const received = await customer.push('incoming_event', (p) => p.event.event_id === answer.event.event_id);
    expect(received.version).toBe(handover.event.version + 1);

    // The agents' transcript holds both notes; the customer's holds none, paged one event at a
    // time too, and every page covers the hidden versions so that catch-up moves past them.
    const agentsView = await bob.readChat(chatId);
    expect(
      agentsView.events.filter((e: any) => e.type === 'InternalNotePosted').map((e: any) => e.data.client_id),
    ).toEqual(['b-1', 'a-2']);
    const customersView = await customer.readChat(chatId, 0, 1);
    expect(customersView.events.map((e: any) => e.type)).not.toContain('InternalNotePosted');
    expect(customersView.events.at(-1).event_id).toBe(answer.event.event_id);
    const tail = await customer.call('get_chat', { chat_id: chatId, since_version: handover.event.version - 1 });
    expect(tail.events.map((e: any) => e.version)).toEqual([answer.event.version]);
    const pastNote = await customer.call('get_chat', {
      chat_id: chatId,
      since_version: answer.event.version - 2,
      limit: 1,
    });
    expect(pastNote).toMatchObject({ has_more: false, next_since_version: answer.event.version });
    const list = await customer.call('list_chats', {});
    expect(list.chats.map((chat: any) => chat.chat_id)).toContain(chatId);

    // A customer cannot write a note: `visibility` is not part of a customer's send_event.
    const byCustomer = await customer.request('send_event', {
      chat_id: chatId,
      event: note('from the customer', 'c-2'),
    });
    expect(byCustomer.payload.error).toMatchObject({ code: 'validation' });

    // Another organization's agent, with the chat's id: not found, and nothing stored.
    const other = await system.createOrganization('Elsewhere');
    const mallory = await open(
      'agent',
      (await system.createAgent(other.organization_id, { email: 'mallory@elsewhere.test', role: 'supervisor' })).token,
    );
    const intruder = await mallory.request('send_event', { chat_id: chatId, event: note('from elsewhere', 'm-1') });
    expect(intruder.payload.error).toMatchObject({ code: 'not_found' });
    // An agent of the organization who cannot read the active chat is refused too.
    const carol = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'carol@notes.test', groups: [sales] })).token,
    );
    const notServing = await carol.request('send_event', { chat_id: chatId, event: note('not mine', 'c-3') });
    expect(notServing.payload.error).toMatchObject({ code: 'authorization', reason: 'not_participant' });

    // Notes stay possible after the chat ended (wrap-up).
    await bob.call('resolve_chat', { chat_id: chatId });
    await customer.push('chat_deactivated', (p) => p.chat_id === chatId);
    const wrapUp = await bob.call('send_event', { chat_id: chatId, event: note('refund done', 'b-3') });
    await sue.push('incoming_event', (p) => p.event.event_id === wrapUp.event.event_id);

    // A ticket from the chat: the notes are the ticket's internal notes, not in its transcript.
    const ticket = await bob.call('create_ticket', { chat_id: chatId, subject: 'Lost parcel' });
    const response = await fetch(
      `${system.ticketing[0]!.url}/v1/organizations/${org.organization_id}/tickets/${ticket.ticket_id}`,
      {
        headers: { authorization: `Bearer ${bobAccount.token}` },
      },
    );
    const read = (await response.json()) as any;
    expect(response.status).toBe(200);
    const [created, ...rest] = read.events;
    expect(created.data.transcript.map((m: any) => m.text)).toEqual([
      'My order is late',
      'Let me check.',
      'You get a refund.',
    ]);
    expect(
      rest.filter((e: any) => e.type === 'InternalNoteAdded').map((e: any) => [e.data.author.id, e.data.text]),
    ).toEqual([
      [bobAccount.agentId, `${SECRET} seen this customer before`],
      [aliceAccount.agentId, `${SECRET} parcel is lost, offer a refund`],
      [bobAccount.agentId, `${SECRET} refund done`],
    ]);

    // Nothing the customer's socket ever received names a note, and each note is stored once.
    expect(customer.pushes('incoming_event').map((p) => p.event.type)).not.toContain('InternalNotePosted');
    expect(JSON.stringify(customer.frames)).not.toContain(SECRET);
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      const events = await new EventStore(db).readStream(`conversation-${chatId}`);
      expect(events.filter((event) => event.type === 'InternalNotePosted')).toHaveLength(3);
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
