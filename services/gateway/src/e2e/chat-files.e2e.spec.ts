import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { FileUrls } from '@livedesk/auth';
import { createDatabase } from '@livedesk/event-store';
import { ChatSystem, type RtmTestClient } from '@livedesk/testing';

/** A real PNG of `width` × `height` grey pixels, made here so that its header is exactly what a browser would send. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const rows = Buffer.concat(
    Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 0x80)])),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Files in chats over real HTTP and sockets against the real services (identity, conversation,
// gateway, ticketing): uploads on the gateway's host, the type read from the bytes, messages
// carrying them with signed URLs that work and expire, refusals that store nothing, and no file
// readable or attachable across customers or organizations.
describe('files in chats', () => {
  const MAX_BYTES = 4096;
  let system: ChatSystem;
  let db: Kysely<any>;
  let directory: string;
  let gateway: string;
  const sockets: RtmTestClient[] = [];

  const open = async (endpoint: 'customer' | 'agent', token: string) => {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  };
  const upload = async (
    endpoint: 'customer' | 'agent',
    token: string | undefined,
    query: Record<string, string>,
    body: Buffer,
    contentType = 'application/octet-stream',
  ) => {
    const response = await fetch(`${gateway}/v1/${endpoint}/files?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const download = async (url: string) => {
    const response = await fetch(new URL(url, gateway));
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      disposition: response.headers.get('content-disposition'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  };
  const storedFiles = async () =>
    Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ticketing.attachments`.execute(db)).rows[0]!.n);
  const refusal = async (socket: RtmTestClient, action: string, payload: unknown) => {
    const frame = await socket.request(action, payload);
    expect(frame.success).toBe(false);
    return (frame.payload as { error: { code: string; reason?: string } }).error;
  };
  /** An organization with an agent in a chat with a customer. */
  const chatIn = async (name: string) => {
    const org = await system.createOrganization(name);
    const alice = await system.createAgent(org.organization_id, {
      email: `alice@${name.toLowerCase()}.test`,
      groups: [org.default_group_id],
    });
    const customerToken = await system.customerToken(org.organization_id);
    const customer = await open('customer', customerToken);
    const agent = await open('agent', alice.token);
    const { chat_id: chatId } = await customer.call('start_chat', {
      message: { text: 'Here is a photo of the damage', client_id: 'first' },
    });
    await agent.call('join_chat', { chat_id: chatId });
    return { org, alice, customerToken, customer, agent, chatId };
  };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'chat-files-'));
    system = await ChatSystem.start({
      ticketing: 1,
      env: { ATTACHMENT_DIR: directory, ATTACHMENT_MAX_BYTES: String(MAX_BYTES) },
    });
    gateway = system.gatewayUrl();
    db = createDatabase(system.database.url, { max: 2 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await db?.destroy();
    await system?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('carries a customer’s image to the agent with its type, size, pixel size and a signed URL that works, and keeps it in a ticket', async () => {
    const { org, alice, customerToken, customer, agent, chatId } = await chatIn('Shop');
    const image = png(3, 2);
    // The header lies (text/plain): the type comes from the bytes.
    const uploaded = await upload(
      'customer',
      customerToken,
      { name: 'damage.png', chat_id: chatId },
      image,
      'text/plain',
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      name: 'damage.png',
      content_type: 'image/png',
      size: image.length,
      width: 3,
      height: 2,
    });
    const fileId: string = uploaded.body.file_id;
    const direct = await download(uploaded.body.url);
    expect(direct.status).toBe(200);
    expect(direct.type).toBe('image/png');
    expect(direct.disposition).toContain("filename*=UTF-8''damage.png");
    expect(direct.bytes.equals(image)).toBe(true);

    const sent = await customer.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'See the photo', client_id: 'photo-1', attachments: [fileId] },
    });
    expect(sent.event.data.attachments).toEqual([
      {
        attachment_id: fileId,
        name: 'damage.png',
        content_type: 'image/png',
        size: image.length,
        width: 3,
        height: 2,
        url: expect.stringMatching(/^\/v1\/files\//),
      },
    ]);
    const pushed = await agent.push(
      'incoming_event',
      (p) => p.chat_id === chatId && p.event.data.client_id === 'photo-1',
    );
    const [attachment] = pushed.event.data.attachments;
    expect(attachment).toMatchObject({ attachment_id: fileId, content_type: 'image/png', width: 3, height: 2 });
    const viaPush = await download(attachment.url);
    expect(viaPush.status).toBe(200);
    expect(viaPush.bytes.equals(image)).toBe(true);
    // A repeat of the client id stores the message once and answers it with its files.
    const repeat = await customer.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'See the photo', client_id: 'photo-1', attachments: [fileId] },
    });
    expect(repeat.event.event_id).toBe(sent.event.event_id);

    // get_chat (after a reconnect) gives the files with fresh URLs.
    const { events } = await agent.readChat(chatId);
    const message = events.find((event) => event.data.client_id === 'photo-1');
    expect((await download(message.data.attachments[0].url)).bytes.equals(image)).toBe(true);

    // The agent answers with a file of its own: the customer gets it the same way.
    const notes = Buffer.from('Return label\nOrder 1234\n');
    const agentFile = await upload(
      'agent',
      alice.token,
      { name: 'label.txt', chat_id: chatId, client_id: 'label' },
      notes,
    );
    expect(agentFile.status).toBe(201);
    expect(agentFile.body).toMatchObject({ content_type: 'text/plain', size: notes.length });
    expect(agentFile.body.width).toBeUndefined();
    const again = await upload('agent', alice.token, { name: 'label.txt', chat_id: chatId, client_id: 'label' }, notes);
    expect(again.body.file_id).toBe(agentFile.body.file_id);
    await agent.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Print this label', client_id: 'label-1', attachments: [agentFile.body.file_id] },
    });
    // Read by the customer's get_chat: pushes to customer sockets are sometimes late on this
    // machine, on main too (sdk-client.e2e.spec.ts); the agent's push above is the push checked.
    const toCustomer = (await customer.readChat(chatId)).events.find((event) => event.data.client_id === 'label-1');
    expect(toCustomer.data.attachments[0]).toMatchObject({
      name: 'label.txt',
      content_type: 'text/plain',
      size: notes.length,
    });
    expect((await download(toCustomer.data.attachments[0].url)).bytes.toString()).toBe(notes.toString());

    // A ticket made from the chat keeps the files, readable over ticketing's API.
    const ticket = await agent.call('create_ticket', { chat_id: chatId });
    const read = await system.call(
      system.ticketing[0]!,
      'GET',
      `/v1/organizations/${org.organization_id}/tickets/${ticket.ticket_id}`,
      undefined,
      alice.token,
    );
    const transcript = read.body.events[0].data.transcript as any[];
    expect(transcript.find((line) => line.text === 'See the photo').attachments).toEqual([
      { attachment_id: fileId, name: 'damage.png', content_type: 'image/png', size: image.length, width: 3, height: 2 },
    ]);
    const fromTicket = await fetch(
      `${system.ticketing[0]!.url}/v1/organizations/${org.organization_id}/attachments/${fileId}`,
      { headers: { authorization: `Bearer ${alice.token}` } },
    );
    expect(Buffer.from(await fromTicket.arrayBuffer()).equals(image)).toBe(true);
  });

  it('works through @livedesk/client: uploadFile, sendMessage with the file, the agent reads it by its URL', async () => {
    const org = await system.createOrganization('Sdk Files');
    await system.createAgent(org.organization_id, { email: 'ada@sdkfiles.test' });
    const customer = system.customerClient(org.organization_id);
    const agent = system.agentClient('ada@sdkfiles.test');
    try {
      const { customer_id: customerId } = await customer.connect();
      await agent.connect();
      const { chat_id: chatId } = await customer.startChat({ message: { text: 'A question with a screenshot' } });
      await agent.joinChat(chatId);
      const image = png(4, 5);
      const file = await customer.uploadFile(chatId, 'screen.png', image);
      expect(file).toMatchObject({ content_type: 'image/png', width: 4, height: 5, size: image.length });
      const seen = new Promise<any>((resolve) =>
        agent.on('chat_event', ({ event }) => event.data.text === 'Screenshot attached' && resolve(event)),
      );
      await customer.sendMessage(chatId, 'Screenshot attached', { attachments: [file.file_id] });
      const event = await seen;
      const bytes = Buffer.from(await (await fetch(agent.fileUrl(event.data.attachments[0].url))).arrayBuffer());
      expect(bytes.equals(image)).toBe(true);
      // A refused upload is a LivedeskError with the server's reason.
      await expect(customer.uploadFile(chatId, 'x.bin', Buffer.from([0, 1, 2]))).rejects.toMatchObject({
        code: 'validation',
        reason: 'attachment_type_not_allowed',
        status: 400,
      });
      expect((await agent.getCustomer(customerId)).chats.map((chat) => chat.chat_id)).toEqual([chatId]);
    } finally {
      customer.close();
      agent.close();
    }
  });

  it('refuses forged and expired download URLs', async () => {
    const { customerToken, chatId } = await chatIn('Forgery');
    const uploaded = await upload('customer', customerToken, { name: 'a.png', chat_id: chatId }, png(1, 1));
    const url = new URL(uploaded.body.url, gateway);
    const signature = url.searchParams.get('signature')!;

    const forged = new URL(url);
    forged.searchParams.set('signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 86_400));
    const unsigned = new URL(url);
    unsigned.search = '';
    const otherFile = new URL(url);
    otherFile.pathname = '/v1/files/another-file';
    for (const refused of [forged, later, unsigned, otherFile]) {
      const answer = await fetch(refused);
      expect(answer.status).toBe(403);
      expect(((await answer.json()) as any).error.reason).toBe('file_url_invalid');
    }
    // Signed with the installation's key, but an hour ago it stopped being valid.
    const expired = new FileUrls(system.jwtSecret, 60).urlOf(
      uploaded.body.file_id,
      Date.now(),
      Math.floor(Date.now() / 1000) - 3600,
    );
    const answer = await fetch(new URL(expired, gateway));
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as any).error.reason).toBe('file_url_expired');
    // A valid signature for a file that does not exist: not found.
    const missing = await fetch(new URL(new FileUrls(system.jwtSecret, 60).urlOf('no-such-file'), gateway));
    expect(missing.status).toBe(404);
  });

  it('refuses oversized files, types not allowed, bad queries and wrong tokens, storing nothing', async () => {
    const { customerToken, customer, alice, chatId } = await chatIn('Strict');
    const before = await storedFiles();
    const oversized = await upload(
      'customer',
      customerToken,
      { name: 'big.png', chat_id: chatId },
      Buffer.concat([png(1, 1), Buffer.alloc(MAX_BYTES)]),
    );
    expect(oversized.status).toBe(400);
    expect(oversized.body.error.reason).toBe('attachment_too_large');
    // A Windows program, announced as a PDF: refused by what the bytes are.
    const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200, 1)]);
    program.writeUInt32LE(64, 60);
    const exe = await upload(
      'customer',
      customerToken,
      { name: 'invoice.pdf', chat_id: chatId },
      program,
      'application/pdf',
    );
    expect(exe.status).toBe(400);
    expect(exe.body.error.reason).toBe('attachment_type_not_allowed');
    const binary = await upload(
      'customer',
      customerToken,
      { name: 'data.bin', chat_id: chatId },
      Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]),
    );
    expect(binary.body.error.reason).toBe('attachment_type_not_allowed');
    const empty = await upload('customer', customerToken, { name: 'empty.txt', chat_id: chatId }, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect((await upload('customer', customerToken, { chat_id: chatId }, png(1, 1))).body.error.reason).toBe(
      'invalid_query',
    );
    expect((await upload('customer', customerToken, { name: 'a.png' }, png(1, 1))).body.error.reason).toBe(
      'invalid_query',
    );
    expect(
      (await upload('customer', customerToken, { name: 'a.png', chat_id: 'no-such-chat' }, png(1, 1))).status,
    ).toBe(404);
    expect((await upload('customer', undefined, { name: 'a.png', chat_id: chatId }, png(1, 1))).status).toBe(401);
    expect((await upload('customer', 'not-a-token', { name: 'a.png', chat_id: chatId }, png(1, 1))).status).toBe(401);
    // Each side uploads on its own URL.
    expect((await upload('agent', customerToken, { name: 'a.png', chat_id: chatId }, png(1, 1))).status).toBe(403);
    expect((await upload('customer', alice.token, { name: 'a.png', chat_id: chatId }, png(1, 1))).status).toBe(403);
    expect(await storedFiles()).toBe(before);

    // Messages naming no file of theirs, or malformed lists, store nothing either.
    const { chat } = await customer.call('get_chat', { chat_id: chatId, since_version: 1_000_000 });
    expect(
      await refusal(customer, 'send_event', {
        chat_id: chatId,
        event: { type: 'message', text: 'x', client_id: 'bad-1', attachments: ['no-such-file'] },
      }),
    ).toMatchObject({ code: 'not_found', reason: 'file_not_found' });
    expect(
      await refusal(customer, 'send_event', {
        chat_id: chatId,
        event: { type: 'message', text: 'x', client_id: 'bad-2', attachments: [42] },
      }),
    ).toMatchObject({ code: 'validation' });
    expect(
      await refusal(customer, 'send_event', {
        chat_id: chatId,
        event: {
          type: 'message',
          text: 'x',
          client_id: 'bad-3',
          attachments: Array.from({ length: 21 }, (_, i) => `f-${i}`),
        },
      }),
    ).toMatchObject({ code: 'validation' });
    expect(
      await refusal(customer, 'send_event', {
        chat_id: chatId,
        event: {
          type: 'message',
          text: 'x',
          client_id: 'bad-4',
          attachments: [{ attachment_id: 'a', name: 'n', content_type: 'image/png', size: 1 }],
        },
      }),
    ).toMatchObject({ code: 'validation' });
    expect(await refusal(customer, 'start_chat', { message: { text: 'x', attachments: ['f'] } })).toMatchObject({
      code: 'validation',
    });
    const after = await customer.call('get_chat', { chat_id: chatId, since_version: 1_000_000 });
    expect(after.chat.version).toBe(chat.version);
  });

  it("keeps every file to its uploader's chat: another customer's, another chat's or another organization's file is not found", async () => {
    const first = await chatIn('Mine');
    const image = png(2, 2);
    const mine = (await upload('customer', first.customerToken, { name: 'mine.png', chat_id: first.chatId }, image))
      .body.file_id as string;

    // Another customer of the same organization, in a chat of their own.
    const otherToken = await system.customerToken(first.org.organization_id);
    const other = await open('customer', otherToken);
    const { chat_id: otherChat } = await other.call('start_chat', {});
    const theirs = (await upload('customer', otherToken, { name: 'theirs.png', chat_id: otherChat }, image)).body
      .file_id as string;
    const intoMine = await upload('customer', otherToken, { name: 'x.png', chat_id: first.chatId }, image);
    expect(intoMine.status).toBe(404);
    expect(
      await refusal(other, 'send_event', {
        chat_id: otherChat,
        event: { type: 'message', text: 'x', client_id: 'steal-1', attachments: [mine] },
      }),
    ).toMatchObject({ code: 'not_found', reason: 'file_not_found' });
    expect(
      await refusal(first.customer, 'send_event', {
        chat_id: first.chatId,
        event: { type: 'message', text: 'x', client_id: 'steal-2', attachments: [theirs] },
      }),
    ).toMatchObject({ code: 'not_found', reason: 'file_not_found' });
    // Nor may the agent pass the customer's upload off as its own.
    expect(
      await refusal(first.agent, 'send_event', {
        chat_id: first.chatId,
        event: { type: 'message', text: 'x', client_id: 'steal-3', attachments: [mine] },
      }),
    ).toMatchObject({ code: 'not_found', reason: 'file_not_found' });
    // The same customer's file from one chat is not attached in another.
    const { chat_id: secondChat } = await first.customer.call('start_chat', {});
    expect(
      await refusal(first.customer, 'send_event', {
        chat_id: secondChat,
        event: { type: 'message', text: 'x', client_id: 'move-1', attachments: [mine] },
      }),
    ).toMatchObject({ code: 'not_found', reason: 'file_not_found' });

    // Another organization: its customer and its agent reach neither the chat nor the file.
    const foreign = await chatIn('Elsewhere');
    expect(
      (await upload('customer', foreign.customerToken, { name: 'x.png', chat_id: first.chatId }, image)).status,
    ).toBe(404);
    expect((await upload('agent', foreign.alice.token, { name: 'x.png', chat_id: first.chatId }, image)).status).toBe(
      404,
    );
    expect(
      await refusal(foreign.customer, 'send_event', {
        chat_id: foreign.chatId,
        event: { type: 'message', text: 'x', client_id: 'steal-4', attachments: [mine] },
      }),
    ).toMatchObject({ code: 'not_found', reason: 'file_not_found' });
    expect(
      await refusal(foreign.agent, 'send_event', {
        chat_id: foreign.chatId,
        event: { type: 'message', text: 'x', client_id: 'steal-5', attachments: [mine] },
      }),
    ).toMatchObject({ code: 'not_found', reason: 'file_not_found' });
    const ticketApi = await fetch(
      `${system.ticketing[0]!.url}/v1/organizations/${foreign.org.organization_id}/attachments/${mine}`,
      { headers: { authorization: `Bearer ${foreign.alice.token}` } },
    );
    expect(ticketApi.status).toBe(404);
    // No message of the first chat carries another's file.
    const { events } = await first.customer.readChat(first.chatId);
    expect(events.flatMap((event) => (event.data.attachments ?? []).map((a: any) => a.attachment_id))).not.toContain(
      theirs,
    );
  });
});
