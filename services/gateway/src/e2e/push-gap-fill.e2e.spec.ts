import { ChatSystem, type RtmTestClient } from '@livedesk/testing';
import { createDatabase, readStream, toEnvelope } from '@livedesk/event-store';
import { eventSubject } from '@livedesk/contracts';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';

/** Every `incoming_event` version of the chat a socket received, in the order received. */
function recordVersions(client: RtmTestClient, chatId: string): number[] {
  const versions: number[] = [];
  client.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'push' && frame.action === 'incoming_event' && frame.payload.chat_id === chatId)
      versions.push(frame.payload.version);
  });
  return versions;
}

// Issue 11, item 10: "nothing told the client that a push was missing". Here an event of a chat
// reaches JetStream while the one before it does not (yet): the relay is held back by an open
// transaction, and the later event is published by hand, as an event arriving out of band would.
describe('a pushed version gap', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    system = await ChatSystem.start();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('makes the gateway fetch the missing events and push them in order, each once', async () => {
    const org = await system.createOrganization('Gap Inc');
    const agent = await system.createAgent(org.organization_id, { email: 'agent@gap.test' });
    const customer = await system.connect('customer', await system.customerToken(org.organization_id));
    const agentSocket = await system.connect('agent', agent.token);
    sockets.push(customer, agentSocket);
    const { chat_id: chatId } = await customer.call('start_chat', { message: { text: 'hello', client_id: 'hello' } });
    await agentSocket.call('join_chat', { chat_id: chatId });
    const pushed = recordVersions(agentSocket, chatId);
    const send = async (text: string): Promise<number> =>
      (await customer.call('send_event', { chat_id: chatId, event: { type: 'message', text, client_id: text } })).event
        .version;
    const before = await send('before');
    await agentSocket.push('incoming_event', (p) => p.chat_id === chatId && p.version === before);

    // An open transaction with a transaction id holds the relay back (it reads only below the
    // oldest one open), so the next two messages are stored and not published.
    const db = createDatabase(system.database.url, { max: 2 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: Promise<void>;
    await new Promise<void>((started) => {
      holding = db.transaction().execute(async (trx) => {
        await sql`SELECT txid_current()`.execute(trx);
        started();
        await released;
      });
    });
    try {
      const missing = await send('missing');
      const later = await send('later');
      expect([missing, later]).toEqual([before + 1, before + 2]);

      // Only the later one reaches JetStream.
      const [event] = await readStream(db, `conversation-${chatId}`, { afterVersion: later - 1 });
      await jetstream(system.nats.connection).publish(
        eventSubject(system.nats.subjectPrefix, event!.streamId),
        JSON.stringify(toEnvelope(event!)),
        {
          msgID: event!.eventId,
        },
      );
      await agentSocket.push('incoming_event', (p) => p.chat_id === chatId && p.version === later);
      expect(pushed).toEqual([before, missing, later]);
    } finally {
      release();
      await holding;
      await db.destroy();
    }

    // The relay goes on and publishes the held-back one: already pushed, it is not pushed again.
    const after = await send('after');
    await agentSocket.push('incoming_event', (p) => p.chat_id === chatId && p.version === after);
    expect(pushed).toEqual([before, before + 1, before + 2, after]);
    const texts = (await agentSocket.call('get_chat', { chat_id: chatId, since_version: before - 1 })).events.map(
      (e: any) => e.data.text,
    );
    expect(texts).toEqual(['before', 'missing', 'later', 'after']);
  });
});
