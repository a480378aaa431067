import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.js';

const ACKNOWLEDGEMENTS_PER_ADDRESS = 2;

// What an anonymous visitor or a former agent can make the ticketing and metrics services do
// (issue 11, items 5, 7 and 8), over real sockets and HTTP against the real services.
describe('hostile use of tickets and their APIs', () => {
  let system: ChatSystem;
  let sink: SmtpSink;
  let org: { organization_id: string; default_group_id: string };
  let supervisor: { agentId: string; token: string };
  const sockets: RtmTestClient[] = [];

  const ticketing = (path: string, token: string) =>
    system.call(system.ticketing[0]!, 'GET', `/v1/organizations/${org.organization_id}${path}`, undefined, token);
  const metrics = (path: string, token: string) =>
    system.call(system.metrics[0]!, 'GET', `/v1/organizations/${org.organization_id}${path}`, undefined, token);
  const patchAgent = async (agentId: string, body: unknown, token = system.adminToken) => {
    const response = await fetch(`${system.gatewayUrl()}/v1/organizations/${org.organization_id}/agents/${agentId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const open = async (endpoint: 'customer' | 'agent', token?: string) => {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    system = await ChatSystem.start({
      ticketing: 1,
      metrics: 1,
      env: {
        SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
        OUTBOUND_EMAIL_POLL_MS: '100',
        ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR: String(ACKNOWLEDGEMENTS_PER_ADDRESS),
        AGENT_STATUS_CACHE_MS: '60000',
      },
    });
    org = await system.createOrganization('Hostile');
    supervisor = await system.createAgent(org.organization_id, { email: 'sue@hostile.test', role: 'supervisor' });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
    await sink?.close();
  });

  it('leave_message does not mail visitor text to an arbitrary address, and mails one address a bounded number of times', async () => {
    const victim = 'victim@elsewhere.test';
    const lure = 'You won! Claim your prize at http://evil.test/claim';
    for (let n = 0; n < ACKNOWLEDGEMENTS_PER_ADDRESS + 2; n++) {
      const visitor = await open('customer', await system.customerToken(org.organization_id));
      await visitor.call('leave_message', { email: victim, name: 'Prize Department', text: `${lure} #${n}` });
    }
    const tickets = await waitFor(
      async () => {
        const list = await ticketing(`/tickets?requester=${encodeURIComponent(victim)}`, supervisor.token);
        return list.body.tickets?.length === ACKNOWLEDGEMENTS_PER_ADDRESS + 2 ? list.body.tickets : undefined;
      },
      { what: 'a ticket for every left message', timeoutMs: 15_000 },
    );
    // Every message is a ticket the agents can read …
    expect(tickets.every((ticket: any) => ticket.source === 'offline_message')).toBe(true);
    // … but the stranger's address gets only the bounded acknowledgements, with none of the visitor's words.
    await waitFor(
      () =>
        sink.mails.filter((mail) => mail.to && JSON.stringify(mail.to).includes(victim)).length >=
        ACKNOWLEDGEMENTS_PER_ADDRESS
          ? true
          : undefined,
      {
        what: 'the acknowledgements',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const mailed = sink.mails.filter((mail) => JSON.stringify(mail.to).includes(victim));
    expect(mailed).toHaveLength(ACKNOWLEDGEMENTS_PER_ADDRESS);
    for (const mail of mailed) {
      expect(mail.subject).toMatch(/^\[LD-[A-Z0-9]+\] We have received your message$/);
      expect(`${mail.subject}\n${mail.text}\n${mail.html || ''}`).not.toMatch(/prize|evil\.test|Prize Department/i);
    }
  });

  it('a forged cursor answers 400 validation from the ticket list, not 500', async () => {
    for (const forged of [
      ['1', 'x'],
      ['0000-01-01T00:00:00.000Z', 'x'],
      ['2026-12-05T00:00:00.000Z', 'x\u0000'],
    ]) {
      const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url');
      const answer = await ticketing(`/tickets?cursor=${cursor}`, supervisor.token);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'validation', reason: 'invalid_cursor' });
    }
  });

  it("a deleted agent's token is refused by the ticketing and metrics APIs", async () => {
    // Well signed, of this organization, of an agent the directory does not have (deleted, or never there).
    const token = await new SignJWT({ org: org.organization_id, kind: 'agent', role: 'admin', agent_kind: 'human' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('livedesk')
      .setAudience('livedesk')
      .setSubject(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(system.jwtSecret));
    const tickets = await ticketing('/tickets', token);
    expect(tickets.status).toBe(401);
    expect(tickets.body.error).toMatchObject({ code: 'authentication', reason: 'agent_revoked' });
    const report = await metrics('/reports/overview', token);
    expect(report.status).toBe(401);
    expect(report.body.error).toMatchObject({ code: 'authentication', reason: 'agent_revoked' });
  });

  it("a disabled agent's token is refused by the ticketing and metrics APIs at once, its sockets are closed, and it cannot log in", async () => {
    const dana = await system.createAgent(org.organization_id, { email: 'dana@hostile.test', role: 'supervisor' });
    // Both APIs take the token, and remember that (for a minute, AGENT_STATUS_CACHE_MS above).
    expect((await ticketing('/tickets', dana.token)).status).toBe(200);
    expect((await metrics('/reports/overview', dana.token)).status).toBe(200);
    const socket = await open('agent', dana.token);

    const disabled = await patchAgent(dana.agentId, { disabled: true });
    expect(disabled).toMatchObject({ status: 200, body: { agent_id: dana.agentId, disabled: true } });
    expect(await socket.closed).toEqual({ code: 4003, reason: 'agent disabled' });
    // The change signal reaches the APIs' caches within moments, not after the cache's minute.
    await waitFor(async () => ((await ticketing('/tickets', dana.token)).status === 401 ? true : undefined), {
      what: 'ticketing refusing',
      timeoutMs: 2000,
    });
    await waitFor(async () => ((await metrics('/reports/overview', dana.token)).status === 401 ? true : undefined), {
      what: 'metrics refusing',
      timeoutMs: 2000,
    });
    const again = await open('agent');
    expect((await again.request('login', { token: dana.token })).payload.error).toMatchObject({
      code: 'authentication',
      reason: 'agent_revoked',
    });
    const login = await system.post(
      '/v1/agent/token',
      { email: 'dana@hostile.test', password: 'correct horse battery staple' },
      undefined,
    );
    expect(login.status).toBe(403);
    expect(login.body.error).toMatchObject({ code: 'authorization', reason: 'agent_disabled' });

    // Enabled again, the same token works again.
    expect((await patchAgent(dana.agentId, { disabled: false })).body).toMatchObject({
      agent_id: dana.agentId,
      disabled: false,
    });
    await waitFor(async () => ((await ticketing('/tickets', dana.token)).status === 200 ? true : undefined), {
      what: 'ticketing taking it again',
      timeoutMs: 2000,
    });
  });

  it('refuses PATCH of an agent to anyone but an admin, and of an unknown agent with 404', async () => {
    expect((await patchAgent(supervisor.agentId, { disabled: true }, supervisor.token)).status).toBe(403);
    expect((await patchAgent(randomUUID(), { disabled: true })).status).toBe(404);
    expect((await patchAgent(supervisor.agentId, { disabled: 'yes' })).status).toBe(400);
    expect((await ticketing('/tickets', supervisor.token)).status).toBe(200);
  });
});
