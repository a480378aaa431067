import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase } from '@livedesk/event-store';
import { waitFor } from '@livedesk/testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.js';
import { startTicketing, type TicketingProcess } from '../testing/ticketing-process.js';

// Real emails over SMTP to the ticketing service's inbound endpoint, and its outbound mail
// through a local SMTP sink standing in for the relay: threading both ways, auto-replies,
// attachments, and the refusals of bad input.
describe('tickets by email', () => {
  let ticketing: TicketingProcess;
  let sink: SmtpSink;
  const orgA = `org-${randomUUID()}`;
  const orgB = `org-${randomUUID()}`;
  let mailboxA: string;
  let mailboxB: string;
  let agentToken: string;

  const ticketsOf = async (org: string, query = '') =>
    (await ticketing.http('GET', `/v1/organizations/${org}/tickets${query}`)).body.tickets as any[];
  const ticket = async (org: string, id: string) =>
    (await ticketing.http('GET', `/v1/organizations/${org}/tickets/${id}`)).body;
  const mailTo = (address: string) =>
    sink.mails.filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address === address);
  const headerOf = (mail: any, name: string) => mail.headers.get(name);

  beforeAll(async () => {
    sink = await startSmtpSink();
    ticketing = await startTicketing({
      SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
      OUTBOUND_EMAIL_POLL_MS: '100',
      OUTBOUND_EMAIL_RETRY_BASE_MS: '200',
      SMTP_INBOUND_MAX_BYTES: String(200_000),
      ATTACHMENT_MAX_BYTES: String(100_000),
    });
    mailboxA = (await ticketing.http('GET', `/v1/organizations/${orgA}/mailbox`)).body.address;
    mailboxB = (await ticketing.http('GET', `/v1/organizations/${orgB}/mailbox`)).body.address;
    agentToken = await ticketing.agentToken(orgA, 'alice');
  });

  afterAll(async () => {
    await ticketing?.stop();
    await sink?.close();
  });

  it('threads a new email, the agent reply, the requester answer by headers and by subject token alone', async () => {
    // A new email becomes a ticket, acknowledged with the reference and the thread headers.
    await ticketing.sendMail({
      from: 'Ann <ann@example.test>',
      to: mailboxA,
      subject: 'Invoice 42 is wrong',
      text: 'I was charged twice.',
      messageId: '<first@example.test>',
    });
    const [created] = await waitFor(async () => {
      const list = await ticketsOf(orgA, '?requester=ann@example.test');
      return list.length === 1 ? list : undefined;
    });
    expect(created).toMatchObject({
      subject: 'Invoice 42 is wrong',
      status: 'open',
      source: 'email',
      requester: { email: 'ann@example.test', name: 'Ann' },
    });
    const ack = await waitFor(() => mailTo('ann@example.test')[0], { what: 'the acknowledgement' });
    expect(ack.subject).toBe(`[${created.reference}] Invoice 42 is wrong`);
    expect(ack.inReplyTo).toBe('<first@example.test>');
    expect(ack.references).toBe('<first@example.test>');
    expect(headerOf(ack, 'auto-submitted')).toBe('auto-replied');
    const replyTo = (ack.replyTo as any).value[0].address as string;
    expect(replyTo).toBe(
      mailboxA
        .replace('@', `+${created.reference.toLowerCase()}@`)
        .replace(created.reference.toLowerCase(), created.reference),
    );

    // An agent replies over HTTP: the ticket waits for the requester, the mail threads.
    const answered = await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${created.ticket_id}/replies`, {
      token: agentToken,
      body: { client_id: 'reply-1', text: 'Sorry! We refunded the second charge.' },
    });
    expect(answered).toMatchObject({ status: 200, body: { ticket: { status: 'pending' }, duplicate: false } });
    const agentMail = await waitFor(() => mailTo('ann@example.test').find((mail) => mail.text?.includes('refunded')), {
      what: 'the agent reply',
    });
    expect(agentMail.subject).toBe(`Re: Invoice 42 is wrong [${created.reference}]`);
    expect(agentMail.inReplyTo).toBe(ack.messageId);
    expect(agentMail.references).toEqual(['<first@example.test>', ack.messageId]);
    expect(headerOf(agentMail, 'auto-submitted')).toBeUndefined();

    // The requester answers with In-Reply-To / References: same ticket, open again, without the quote.
    await ticketing.sendMail({
      from: 'ann@example.test',
      to: replyTo,
      subject: `Re: ${agentMail.subject}`,
      text: `Thank you, but the first charge is also wrong.\n\nOn Tue, Support wrote:\n> ${agentMail.text!.split('\n')[0]}\n> Sorry!`,
      messageId: '<second@example.test>',
      inReplyTo: agentMail.messageId,
      references: ['<first@example.test>', agentMail.messageId!],
    });
    await waitFor(async () => (await ticket(orgA, created.ticket_id)).ticket.status === 'open', {
      what: 'the ticket open again',
    });
    // Only the token in the subject, to the plain mailbox, no threading headers.
    await ticketing.sendMail({
      from: 'ann@example.test',
      to: mailboxA,
      subject: `About ${created.reference}`,
      text: 'One more thing: my address changed.',
      messageId: '<third@example.test>',
    });
    const history = await waitFor(
      async () => {
        const read = await ticket(orgA, created.ticket_id);
        return read.events.filter((e: any) => e.type === 'TicketReplied').length === 4 ? read : undefined;
      },
      { what: 'four public messages' },
    );
    const replies = history.events
      .filter((e: any) => e.type === 'TicketReplied')
      .map((e: any) => [e.data.author.kind, e.data.text]);
    expect(replies).toEqual([
      ['customer', 'I was charged twice.'],
      ['agent', 'Sorry! We refunded the second charge.'],
      ['customer', 'Thank you, but the first charge is also wrong.'],
      ['customer', 'One more thing: my address changed.'],
    ]);
    expect(await ticketsOf(orgA, '?requester=ann@example.test')).toHaveLength(1);

    // The same email delivered twice (a sending server's retry) is stored once.
    await ticketing.sendMail({
      from: 'ann@example.test',
      to: mailboxA,
      subject: `About ${created.reference}`,
      text: 'One more thing: my address changed.',
      messageId: '<third@example.test>',
    });
    expect((await ticket(orgA, created.ticket_id)).events.filter((e: any) => e.type === 'TicketReplied')).toHaveLength(
      4,
    );
  });

  it('keeps an internal note from the requester, and sends each mail exactly once, across a restart', async () => {
    await ticketing.sendMail({
      from: 'bo@example.test',
      to: mailboxA,
      subject: 'Password reset',
      text: 'I cannot log in.',
      messageId: '<bo-1@example.test>',
    });
    const [bo] = await waitFor(async () =>
      (await ticketsOf(orgA, '?requester=bo@example.test')).length === 1
        ? ticketsOf(orgA, '?requester=bo@example.test')
        : undefined,
    );
    const note = await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${bo.ticket_id}/notes`, {
      token: agentToken,
      body: { client_id: 'n-1', text: 'SECRET-NOTE: account flagged for fraud' },
    });
    expect(note.status).toBe(200);
    const repeat = await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${bo.ticket_id}/notes`, {
      token: agentToken,
      body: { client_id: 'n-1', text: 'SECRET-NOTE: account flagged for fraud' },
    });
    expect(repeat.body.duplicate).toBe(true);
    await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${bo.ticket_id}/replies`, {
      token: agentToken,
      body: { client_id: 'r-1', text: 'Here is a reset link.', status: 'solved' },
    });
    const reply = await waitFor(() => mailTo('bo@example.test').find((mail) => mail.text?.includes('reset link')), {
      what: 'the reply to Bo',
    });
    expect(reply.text).toContain('solved');
    // A restart neither loses nor repeats anything.
    await ticketing.restart();
    await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${bo.ticket_id}/status`, {
      token: agentToken,
      body: { status: 'open' },
    });
    await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${bo.ticket_id}/status`, {
      token: agentToken,
      body: { status: 'solved' },
    });
    await waitFor(() => mailTo('bo@example.test').some((mail) => mail.text?.includes('Your request is solved')), {
      what: 'the solve notification',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const toBo = mailTo('bo@example.test');
    // The acknowledgement, the reply that solved it, the solve notification: each once.
    expect(toBo.map((mail) => mail.subject!.slice(0, 3)).sort()).toEqual(['Re:', 'Re:', '[LD']);
    expect(new Set(toBo.map((mail) => mail.messageId)).size).toBe(3);
    expect(sink.mails.some((mail) => `${mail.text}${mail.subject}`.includes('SECRET-NOTE'))).toBe(false);
  });

  it('keeps a reply in the outbox while the relay is down and sends it once the relay is back', async () => {
    const [cy] = await ticketsOf(orgA, '?requester=ann@example.test');
    await sink.close();
    const reply = await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${cy.ticket_id}/replies`, {
      token: agentToken,
      body: { client_id: 'while-down', text: 'Sent while the relay was down.' },
    });
    expect(reply.status).toBe(200);
    const db = createDatabase(ticketing.database.url, { max: 1 });
    try {
      const failed = await waitFor(
        async () => {
          const { rows } = await sql<{ status: string; attempts: number; last_error: string | null }>`
          SELECT status, attempts, last_error FROM ticketing.outbound_emails WHERE body LIKE '%relay was down%'`.execute(
            db,
          );
          return rows[0] && rows[0].attempts >= 1 && rows[0].status === 'pending' ? rows[0] : undefined;
        },
        { what: 'a failed attempt recorded' },
      );
      expect(failed.last_error).toBeTruthy();
      const mails = sink.mails;
      sink = await startSmtpSink(sink.port);
      const delivered = await waitFor(() => sink.mails.find((mail) => mail.text?.includes('relay was down')), {
        timeoutMs: 15_000,
        what: 'the delivery after the relay came back',
      });
      expect(delivered.inReplyTo).toBeTruthy();
      // The sink has the mail a moment before the mailer has recorded it as sent.
      const recorded = await waitFor(
        async () => {
          const { rows } = await sql<{
            status: string;
          }>`SELECT status FROM ticketing.outbound_emails WHERE body LIKE '%relay was down%'`.execute(db);
          return rows.length === 1 && rows[0]!.status !== 'sending' ? rows : undefined;
        },
        { what: 'the delivery recorded' },
      );
      expect(recorded).toEqual([{ status: 'sent' }]);
      sink.mails.unshift(...mails);
    } finally {
      await db.destroy();
    }
  });

  it('recognises an auto-reply and a bounce and turns neither into a ticket or a reply', async () => {
    const [ann] = await ticketsOf(orgA, '?requester=ann@example.test');
    const before = (await ticket(orgA, ann.ticket_id)).ticket.version;
    const auto = await ticketing.sendMail({
      from: 'ann@example.test',
      to: mailboxA.replace('@', `+${ann.reference}@`),
      subject: 'Out of office: Re: Invoice 42 is wrong',
      text: 'I am away until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
    });
    expect(auto.response).toMatch(/^250 .*automatic message/);
    const bounce = await ticketing.sendMail({
      envelope: { from: '', to: mailboxA },
      raw: [
        'From: Mail Delivery System <MAILER-DAEMON@mx.example.test>',
        `To: ${mailboxA}`,
        'Subject: Undelivered Mail Returned to Sender',
        'Message-ID: <bounce-1@mx.example.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Action: failed',
        '--b1--',
        '',
      ].join('\r\n'),
    });
    expect(bounce.response).toMatch(/^250 .*automatic message/);
    expect((await ticket(orgA, ann.ticket_id)).ticket.version).toBe(before);
    expect((await ticketsOf(orgA)).map((t) => t.requester.email).sort()).toEqual([
      'ann@example.test',
      'bo@example.test',
    ]);
  });

  it('keeps the files of an email and serves them back', async () => {
    const pdf = Buffer.from('%PDF-1.4 a small invoice');
    await ticketing.sendMail({
      from: 'cy@example.test',
      to: mailboxA,
      subject: 'See the attached invoice',
      text: 'Attached.',
      attachments: [{ filename: 'invoice.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const [cy] = await waitFor(async () =>
      (await ticketsOf(orgA, '?requester=cy@example.test')).length === 1
        ? ticketsOf(orgA, '?requester=cy@example.test')
        : undefined,
    );
    const read = await ticket(orgA, cy.ticket_id);
    const [attachment] = read.events.find((e: any) => e.type === 'TicketReplied').data.attachments;
    expect(attachment).toMatchObject({ name: 'invoice.pdf', content_type: 'application/pdf', size: pdf.length });
    const download = await fetch(
      `${ticketing.service.url}/v1/organizations/${orgA}/attachments/${attachment.attachment_id}`,
      { headers: { authorization: `Bearer ${agentToken}` } },
    );
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    // Another organization's agent does not get it.
    const other = await fetch(
      `${ticketing.service.url}/v1/organizations/${orgB}/attachments/${attachment.attachment_id}`,
      { headers: { authorization: `Bearer ${await ticketing.agentToken(orgB, 'mallory')}` } },
    );
    expect(other.status).toBe(404);
  });

  it('takes uploaded files for a reply and mails them, refusing forbidden and oversized ones', async () => {
    const [cy] = await ticketsOf(orgA, '?requester=cy@example.test');
    const upload = (name: string, type: string, content: Buffer, clientId: string) =>
      ticketing.http(
        'POST',
        `/v1/organizations/${orgA}/attachments?name=${encodeURIComponent(name)}&client_id=${clientId}`,
        { token: agentToken, raw: content, contentType: type },
      );
    const exe = await upload('tool.exe', 'application/x-msdownload', Buffer.from('MZ'), 'u-1');
    expect(exe).toMatchObject({
      status: 400,
      body: { error: { code: 'validation', reason: 'attachment_type_not_allowed' } },
    });
    const big = await upload('big.pdf', 'application/pdf', Buffer.alloc(100_001), 'u-2');
    expect(big).toMatchObject({ status: 400, body: { error: { reason: 'attachment_too_large' } } });
    const receipt = Buffer.from('%PDF-1.4 refund receipt');
    const stored = await upload('receipt.pdf', 'application/pdf', receipt, 'u-3');
    expect(stored).toMatchObject({
      status: 201,
      body: { name: 'receipt.pdf', content_type: 'application/pdf', size: receipt.length },
    });
    expect((await upload('receipt.pdf', 'application/pdf', receipt, 'u-3')).body.attachment_id).toBe(
      stored.body.attachment_id,
    );
    // The client id used again for another file: the first one stays, its description and its bytes (mailed below).
    const reused = await upload(
      'other.pdf',
      'application/pdf',
      Buffer.from('%PDF-1.4 another file, longer than the receipt'),
      'u-3',
    );
    expect(reused.body).toEqual(stored.body);
    const other = await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${cy.ticket_id}/replies`, {
      token: await ticketing.agentToken(orgB, 'mallory'),
      body: { client_id: 'x', text: 'x' },
    });
    expect(other).toMatchObject({ status: 403, body: { error: { reason: 'other_organization' } } });
    await ticketing.http('POST', `/v1/organizations/${orgA}/tickets/${cy.ticket_id}/replies`, {
      token: agentToken,
      body: { client_id: 'with-file', text: 'Here is your receipt.', attachment_ids: [stored.body.attachment_id] },
    });
    const mail = await waitFor(() => mailTo('cy@example.test').find((m) => m.text?.includes('Here is your receipt.')), {
      what: 'the reply with its file',
    });
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.equals(receipt)])).toEqual([
      ['receipt.pdf', 'application/pdf', true],
    ]);
  });

  it('refuses malformed MIME, oversized mail, forbidden files, forged replies and unknown mailboxes, storing nothing of them', async () => {
    const refusal = (attempt: Promise<unknown>) =>
      attempt.then(
        () => undefined,
        (error: { responseCode?: number; response?: string }) => ({
          code: error.responseCode,
          response: error.response,
        }),
      );
    const ticketCount = async () => (await ticketsOf(orgA)).length + (await ticketsOf(orgB)).length;
    const count = await ticketCount();

    const noHeaders = await refusal(
      ticketing.sendMail({
        envelope: { from: 'x@example.test', to: mailboxA },
        raw: 'just some text without any header\r\n',
      }),
    );
    expect(noHeaders).toMatchObject({ code: 550, response: expect.stringContaining('no header section') });
    const noBoundary = await refusal(
      ticketing.sendMail({
        envelope: { from: 'x@example.test', to: mailboxA },
        raw: [
          'From: x@example.test',
          `To: ${mailboxA}`,
          'Subject: parts',
          'Content-Type: multipart/mixed',
          '',
          'part one',
          '',
        ].join('\r\n'),
      }),
    );
    expect(noBoundary).toMatchObject({ code: 550, response: expect.stringContaining('without a boundary') });

    const oversized = await refusal(
      ticketing.sendMail({ from: 'x@example.test', to: mailboxA, subject: 'big', text: 'x'.repeat(300_000) }),
    );
    expect(oversized).toMatchObject({ code: 552 });

    const exe = await refusal(
      ticketing.sendMail({
        from: 'x@example.test',
        to: mailboxA,
        subject: 'run this',
        text: 'see attached',
        attachments: [{ filename: 'run.exe', content: Buffer.from('MZ'), contentType: 'application/x-msdownload' }],
      }),
    );
    expect(exe).toMatchObject({
      code: 552,
      response: expect.stringContaining('application/x-msdownload, which is not accepted'),
    });

    // A reply to organization A's ticket sent to organization B's mailbox, by token and by thread.
    const [ann] = await ticketsOf(orgA, '?requester=ann@example.test');
    const before = (await ticket(orgA, ann.ticket_id)).ticket.version;
    const byToken = await refusal(
      ticketing.sendMail({ from: 'ann@example.test', to: mailboxB, subject: `Re: [${ann.reference}]`, text: 'forged' }),
    );
    expect(byToken).toMatchObject({ code: 550, response: expect.stringContaining('not of this mailbox') });
    const byThread = await refusal(
      ticketing.sendMail({
        from: 'ann@example.test',
        to: mailboxB,
        subject: 'Re: hello',
        text: 'forged',
        inReplyTo: '<first@example.test>',
      }),
    );
    expect(byThread).toMatchObject({ code: 550 });
    const byAddress = await refusal(
      ticketing.sendMail({
        from: 'ann@example.test',
        to: mailboxB.replace('@', `+${ann.reference}@`),
        subject: 'hello',
        text: 'forged',
      }),
    );
    expect(byAddress).toMatchObject({ code: 550 });
    expect((await ticket(orgA, ann.ticket_id)).ticket.version).toBe(before);

    const unknown = await refusal(
      ticketing.sendMail({ from: 'x@example.test', to: 'support@inbound.test', subject: 'hi', text: 'hi' }),
    );
    expect(unknown).toMatchObject({ code: 550, response: expect.stringContaining('no such mailbox') });
    expect(await ticketCount()).toBe(count);

    // The endpoint still takes good mail after all that.
    await ticketing.sendMail({ from: 'dee@example.test', to: mailboxB, subject: 'Hello B', text: 'a real question' });
    await waitFor(async () => (await ticketsOf(orgB)).length === 1, { what: "organization B's ticket" });
  });
});
