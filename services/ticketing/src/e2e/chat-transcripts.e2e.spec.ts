import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.js';

/** Every note's text holds this, so that one search of the mails finds any leak. */
const SECRET = 'NOTE-ONLY-FOR-AGENTS';

// Chat transcripts by email over real sockets against the real services, with ticketing's
// outbox sending to a local SMTP server: `request_transcript` mails the customer's own chat in
// order and without internal notes, to the identity's email or the one given, refuses other
// chats and bad input, and stops at its limits; `transcript_on_close` mails it when the chat ends.
describe('chat transcripts by email', () => {
  let system: ChatSystem;
  let sink: SmtpSink;
  const sockets: RtmTestClient[] = [];
  const open = async (endpoint: 'customer' | 'agent', token: string) => {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  };
  const mailsTo = (address: string) =>
    sink.mails.filter((mail) => !Array.isArray(mail.to) && mail.to?.value[0]?.address === address);
  const identified = async (org: { organization_id: string; identity_secret: string }, sub: string, email: string) => {
    const identity = await new SignJWT({ email, name: sub })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .sign(new TextEncoder().encode(org.identity_secret));
    return open('customer', await system.customerToken(org.organization_id, identity));
  };
  const say = (socket: RtmTestClient, chatId: string, text: string, clientId: string, visibility?: 'agents') =>
    socket.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text, client_id: clientId, ...(visibility ? { visibility } : {}) },
    });
  /** A chat with four messages and two internal notes between them. */
  const chatWithNotes = async (customer: RtmTestClient, agent: RtmTestClient, group: string, tag: string) => {
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: group,
      message: { text: `${tag} 1: my lamp flickers`, client_id: 'c-1' },
    });
    await agent.call('join_chat', { chat_id: chatId });
    await say(agent, chatId, `${SECRET} customer had this before`, 'n-1', 'agents');
    await say(agent, chatId, `${tag} 2: is the bulb screwed in?`, 'a-1');
    await say(customer, chatId, `${tag} 3: yes, tightly`, 'c-2');
    await say(agent, chatId, `${SECRET} send a new lamp`, 'n-2', 'agents');
    await say(agent, chatId, `${tag} 4: we send you a new lamp`, 'a-2');
    return chatId;
  };
  const expectTranscript = (text: string | undefined, tag: string) => {
    const where = [1, 2, 3, 4].map((i) => text?.indexOf(`${tag} ${i}:`) ?? -1);
    expect(where.every((index) => index >= 0)).toBe(true);
    expect([...where].sort((a, b) => a - b)).toEqual(where);
    expect(text).not.toContain(SECRET);
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    system = await ChatSystem.start({
      ticketing: 1,
      env: {
        SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
        OUTBOUND_EMAIL_POLL_MS: '100',
        INBOUND_EMAIL_DOMAIN: 'inbound.test',
      },
    });
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
    await sink?.close();
  });

  it("mails the customer's own chat in order, never its notes, and refuses other chats, bad input and too many requests", async () => {
    const org = await system.createOrganization('Lamps');
    const desk = await system.createGroup(org.organization_id, 'Desk', 'manual');
    const agent = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'alice@lamps.test', groups: [desk] })).token,
    );
    const customer = await identified(org, 'user-1', 'ann@example.test');
    const chatId = await chatWithNotes(customer, agent, desk, 'LAMP');

    // To the identity's email, then to one given.
    expect(await customer.call('request_transcript', { chat_id: chatId })).toEqual({
      chat_id: chatId,
      email: 'ann@example.test',
    });
    const mail = await waitFor(() => mailsTo('ann@example.test')[0], { what: 'the transcript' });
    expect(mail.subject).toMatch(/^Your chat transcript/);
    expectTranscript(mail.text, 'LAMP');
    expect(mail.text).toContain('You:');
    expect(mail.text).toContain('Agent:');
    expect(mail.headers.get('x-livedesk-chat')).toBe(chatId);
    expect(await customer.call('request_transcript', { chat_id: chatId, email: 'ann.work@example.test' })).toEqual({
      chat_id: chatId,
      email: 'ann.work@example.test',
    });
    expectTranscript(
      (await waitFor(() => mailsTo('ann.work@example.test')[0], { what: 'the second transcript' })).text,
      'LAMP',
    );

    // Another customer (of the organization, or of another one) and unknown chats: not found.
    const other = await identified(org, 'user-2', 'bea@example.test');
    expect((await other.request('request_transcript', { chat_id: chatId })).payload.error).toMatchObject({
      code: 'not_found',
    });
    expect(
      (await other.request('request_transcript', { chat_id: 'no-such-chat', email: 'bea@example.test' })).payload.error,
    ).toMatchObject({ code: 'not_found' });
    const elsewhere = await system.createOrganization('Elsewhere');
    const stranger = await identified(elsewhere, 'user-1', 'ann@example.test');
    expect((await stranger.request('request_transcript', { chat_id: chatId })).payload.error).toMatchObject({
      code: 'not_found',
    });
    // An agent has no such action; bad input is validation.
    expect((await agent.request('request_transcript', { chat_id: chatId })).success).toBe(false);
    for (const payload of [
      {},
      { chat_id: chatId, email: 'not-an-email' },
      { chat_id: chatId, email: 42 },
      { chat_id: chatId, cc: 'x@example.test' },
      { chat_id: '' },
    ]) {
      expect({ payload, error: (await customer.request('request_transcript', payload)).payload.error }).toMatchObject({
        payload,
        error: { code: 'validation' },
      });
    }
    // An anonymous customer has no email on record: it must give one.
    const anonymous = await open('customer', await system.customerToken(org.organization_id));
    const { chat_id: anonymousChat } = await anonymous.call('start_chat', {
      group_id: desk,
      message: { text: 'hello', client_id: 'x-1' },
    });
    expect((await anonymous.request('request_transcript', { chat_id: anonymousChat })).payload.error).toMatchObject({
      code: 'validation',
      reason: 'email_required',
    });

    // Three requests per chat an hour: the fourth waits, and nothing more is sent.
    expect(
      await customer.call('request_transcript', { chat_id: chatId, email: 'ann.third@example.test' }),
    ).toMatchObject({ email: 'ann.third@example.test' });
    const limited = await customer.request('request_transcript', { chat_id: chatId, email: 'ann.fourth@example.test' });
    expect(limited.payload.error).toMatchObject({ code: 'rate_limited', reason: 'transcript_limit' });
    expect(limited.payload.error.retry_after_ms).toBeGreaterThan(3_500_000);
    expect(limited.payload.error.retry_after_ms).toBeLessThanOrEqual(3_600_000);
    await waitFor(() => mailsTo('ann.third@example.test')[0], { what: 'the third transcript' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo('ann.fourth@example.test')).toEqual([]);
    expect(sink.mails.filter((m) => m.headers.get('x-livedesk-chat') === chatId)).toHaveLength(3);
    expect(sink.mails.some((m) => `${m.subject} ${m.text}`.includes(SECRET))).toBe(false);
  });

  it('mails the transcript when a chat ends, for an organization that asks for it', async () => {
    const org = await system.createOrganization('Closing');
    const desk = await system.createGroup(org.organization_id, 'Desk', 'manual');
    const agent = await open(
      'agent',
      (await system.createAgent(org.organization_id, { email: 'alice@closing.test', groups: [desk] })).token,
    );
    const customer = await identified(org, 'user-9', 'cat@example.test');
    const settings = async (body: unknown) =>
      fetch(`${system.gatewayUrl()}/v1/organizations/${org.organization_id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
        body: JSON.stringify(body),
      });
    expect((await settings({ transcript_on_close: 'yes' })).status).toBe(400);
    const on = await settings({ transcript_on_close: true });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ transcript_on_close: true, search_language: 'simple' });

    // Off by default: a chat of another organization ends first and sends nothing.
    const quietOrg = await system.createOrganization('Quiet');
    const quietDesk = await system.createGroup(quietOrg.organization_id, 'Desk', 'manual');
    const quietAgent = await open(
      'agent',
      (await system.createAgent(quietOrg.organization_id, { email: 'alice@quiet.test', groups: [quietDesk] })).token,
    );
    const quietCustomer = await identified(quietOrg, 'user-9', 'dot@example.test');
    const quiet = await chatWithNotes(quietCustomer, quietAgent, quietDesk, 'QUIET');
    await quietAgent.call('resolve_chat', { chat_id: quiet });

    const chatId = await chatWithNotes(customer, agent, desk, 'CLOSING');
    await agent.call('resolve_chat', { chat_id: chatId });
    const mail = await waitFor(
      () => mailsTo('cat@example.test').find((m) => m.headers.get('x-livedesk-chat') === chatId),
      { what: 'the transcript at the end', timeoutMs: 20_000 },
    );
    expectTranscript(mail.text, 'CLOSING');
    // Sent by itself at the chat's end, in reply to no message (RFC 3834), like the daily summary.
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mailsTo('dot@example.test')).toEqual([]);
    expect(mailsTo('cat@example.test')).toHaveLength(1);
  });
});
