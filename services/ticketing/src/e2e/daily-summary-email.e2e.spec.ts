import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { countStreamsBehind, createDatabase } from '@livedesk/event-store';
import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.js';

/** Warsaw is UTC+1 in early March: 06:00Z is 07:00 there. */
const at = (iso: string): Date => new Date(iso);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The daily summary by email, end to end: a chat on Wednesday 2026-03-04 in Warsaw (customer,
// agent, CSAT and the post-chat survey's CES over real sockets), two metrics replicas on a
// clock the test sets, the ticketing outbox and a real SMTP server. At 08:00 Warsaw time on
// Thursday each agent who opted in gets exactly one mail with their scope's figures of
// Wednesday — also after a replica is replaced — and the others none; on Friday, one more each.
describe('daily summary by email', () => {
  let system: ChatSystem;
  let sink: SmtpSink;
  let db: Kysely<any>;
  const sockets: RtmTestClient[] = [];
  let org: string;
  let group: string;
  const agents: Record<string, { agentId: string; token: string; email: string }> = {};

  const mailsTo = (name: string) =>
    sink.mails.filter(
      (mail) => mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address === agents[name]!.email,
    );
  const mailCounts = () => Object.fromEntries(Object.keys(agents).map((name) => [name, mailsTo(name).length]));

  function patchAgent(
    agentId: string,
    body: unknown,
    organizationId = org,
    token = system.adminToken,
  ): Promise<{ status: number; body: any }> {
    return fetch(`${system.gatewayUrl()}/v1/organizations/${organizationId}/agents/${agentId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: await response.json() }));
  }

  async function open(endpoint: 'customer' | 'agent', token: string): Promise<RtmTestClient> {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  }

  async function projected(): Promise<void> {
    await waitFor(
      async () => {
        const { rows } = await sql<{ dirty: string }>`SELECT count(*) AS dirty FROM metrics.projection_dirty`.execute(
          db,
        );
        return rows[0]!.dirty === '0' && (await countStreamsBehind(db, 'metrics-projector')) === 0;
      },
      { what: 'every event projected', timeoutMs: 20_000, intervalMs: 50 },
    );
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    system = await ChatSystem.start({
      metrics: 2,
      ticketing: 1,
      testClock: true,
      env: {
        SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
        OUTBOUND_EMAIL_POLL_MS: '100',
        DAILY_SUMMARY_POLL_MS: '100',
        METRICS_DERIVED_INTERVAL_MS: '100',
        METRICS_SLA_POLL_MS: '50',
      },
    });
    db = createDatabase(system.database.url, { max: 2 });
    // Before anything exists: 07:00 on Wednesday in Warsaw, before the sending hour.
    await system.setClock(at('2026-03-04T06:00:00Z'));
    ({ organization_id: org } = await system.createOrganization('Warsaw', 'Europe/Warsaw'));
    group = await system.createGroup(org, 'Support', 'manual');
    for (const [name, role] of [
      ['alice', 'agent'],
      ['bob', 'agent'],
      ['sue', 'supervisor'],
      ['ann', 'admin'],
    ] as const) {
      const email = `${name}@warsaw.test`;
      agents[name] = {
        ...(await system.createAgent(org, { email, role, ...(role === 'admin' ? {} : { groups: [group] }) })),
        email,
      };
    }
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
    await db?.destroy();
    await sink?.close();
  });

  it('lets an admin opt agents in, an agent itself for its own mail alone, and refuses bad values and other organizations’ agents', async () => {
    for (const name of ['alice', 'sue', 'ann']) {
      expect(await patchAgent(agents[name]!.agentId, { daily_summary: true })).toMatchObject({
        status: 200,
        body: { agent_id: agents[name]!.agentId, daily_summary: true },
      });
    }
    for (const body of [{ daily_summary: 'yes' }, { daily_summary: 1 }, { daily_summary: null }]) {
      expect([body, (await patchAgent(agents.bob!.agentId, body)).status]).toEqual([body, 400]);
    }
    const other = await system.createOrganization('Elsewhere');
    expect((await patchAgent(agents.bob!.agentId, { daily_summary: true }, other.organization_id)).status).toBe(404);
    expect((await patchAgent(agents.bob!.agentId, { disabled: false })).body.daily_summary).toBe(false);
    // bob may set his own daily_summary, and nothing else, nor anyone else's.
    const bob = agents.bob!;
    expect(await patchAgent(bob.agentId, { daily_summary: false }, org, bob.token)).toMatchObject({
      status: 200,
      body: { daily_summary: false },
    });
    expect((await patchAgent(bob.agentId, { daily_summary: true, name: 'Bobby' }, org, bob.token)).status).toBe(403);
    expect((await patchAgent(bob.agentId, { display_name: 'B' }, org, bob.token)).status).toBe(403);
    expect((await patchAgent(agents.alice!.agentId, { daily_summary: false }, org, bob.token)).status).toBe(403);
    expect((await patchAgent(bob.agentId, { daily_summary: 'yes' }, org, bob.token)).status).toBe(400);
    expect((await patchAgent(bob.agentId, { disabled: false })).body).toMatchObject({
      name: 'bob',
      display_name: null,
      daily_summary: false,
    });
  });

  it("projects Wednesday's chat, CES included, into the reports and the CSV export", async () => {
    const alice = await open('agent', agents.alice!.token);
    const customer = await open('customer', await system.customerToken(org));
    await system.setClock(at('2026-03-04T06:00:10Z'));
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: group,
      message: { text: 'Where is my parcel?', client_id: 'c-1' },
    });
    await system.setClock(at('2026-03-04T06:00:20Z'));
    await alice.call('join_chat', { chat_id: chatId });
    await system.setClock(at('2026-03-04T06:00:40Z'));
    await alice.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'It ships today.', client_id: 'a-1' },
    });
    await system.setClock(at('2026-03-04T06:02:10Z'));
    await alice.call('resolve_chat', { chat_id: chatId });
    await system.setClock(at('2026-03-04T06:03:00Z'));
    await customer.call('rate_chat', { chat_id: chatId, score: 5 });
    await customer.call('answer_survey', { chat_id: chatId, answers: { ces: 6 } });
    await projected();

    const metrics = system.metrics[0]!;
    const overview = await system.call(
      metrics,
      'GET',
      `/v1/organizations/${org}/reports/overview?from=2026-03-03T23:00:00Z&to=2026-03-04T23:00:00Z`,
    );
    expect(overview.status).toBe(200);
    expect(overview.body).toMatchObject({
      chats: { started: 1, with_human_reply: { count: 1 }, resolved: { count: 1 } },
      first_response: { count: 1, average_seconds: 30 },
      csat: { ratings: 1, percent: 100 },
      ces: { answers: 1, average: 6, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 0 } },
    });
    const daily = await system.call(metrics, 'GET', `/v1/organizations/${org}/reports/daily?date=2026-03-04`);
    const aliceFigures = daily.body.agents.find((row: any) => row.agent_id === agents.alice!.agentId).figures;
    expect(aliceFigures).toMatchObject({
      ces_answers: { day: 1 },
      ces_average: { day: 6 },
      ces_6: { day: 1 },
      ces_7: { day: 0 },
    });
    expect(daily.body.teams.find((row: any) => row.group_id === group).figures).toMatchObject({
      ces_answers: { day: 1 },
      ces_average: { day: 6 },
    });
    const csv = await system.call(metrics, 'GET', `/v1/organizations/${org}/reports/daily?date=2026-03-04&format=csv`);
    expect(csv.text).toContain(`2026-03-04,agent,${agents.alice!.agentId},,ces_average,6,`);
    expect(csv.text).toContain(`2026-03-04,team,,${group},ces_6,1,`);
    const { rows } = await sql<{ agent_id: string; ces_answers: number; ces_sum: number; ces_distribution: number[] }>`
      SELECT agent_id, ces_answers, ces_sum, ces_distribution FROM metrics.agent_daily WHERE organization_id = ${org} AND ces_answers > 0`.execute(
      db,
    );
    expect(rows).toEqual([
      { agent_id: agents.alice!.agentId, ces_answers: 1, ces_sum: 6, ces_distribution: [0, 0, 0, 0, 0, 1, 0] },
    ]);
  });

  it('sends nothing before 08:00, then one mail per opted-in agent with their scope, once across replicas and a restart', async () => {
    await system.setClock(at('2026-03-05T06:59:59Z'));
    await sleep(1500);
    expect(mailCounts()).toEqual({ alice: 0, bob: 0, sue: 0, ann: 0 });

    await system.setClock(at('2026-03-05T07:00:00Z'));
    await waitFor(
      () => (mailsTo('alice').length > 0 && mailsTo('sue').length > 0 && mailsTo('ann').length > 0 ? true : undefined),
      { what: 'the three mails', timeoutMs: 20_000 },
    );
    // Both replicas keep polling: still one mail each, none for bob.
    await sleep(1500);
    expect(mailCounts()).toEqual({ alice: 1, bob: 0, sue: 1, ann: 1 });

    const [alice] = mailsTo('alice');
    expect(alice!.subject).toBe('Daily summary 2026-03-04 — Warsaw');
    expect(alice!.headers.get('auto-submitted')).toBe('auto-generated');
    expect(alice!.text).toContain('Your chats (alice)');
    expect(alice!.text).toContain('Chats: 1 started, 1 answered, 1 resolved, 0 missed');
    expect(alice!.text).toContain('First response time: 30 s on average');
    expect(alice!.text).toContain('Resolution time: 2 min 0 s on average');
    expect(alice!.text).toContain('CSAT: 100 %');
    expect(mailsTo('sue')[0]!.text).toContain('Group Support\n  Chats: 1 started');
    expect(mailsTo('ann')[0]!.text).toContain('The whole organization\n  Chats: 1 started');

    // A replica replaced, an hour later: nothing is sent again.
    await system.metrics[0]!.stop();
    await system.startReplica('metrics');
    await system.setClock(at('2026-03-05T08:00:00Z'));
    await sleep(2000);
    expect(mailCounts()).toEqual({ alice: 1, bob: 0, sue: 1, ann: 1 });
    const { rows } = await sql<{ count: string }>`
      SELECT count(*) FROM metrics.daily_summary_mails WHERE organization_id = ${org} AND date = '2026-03-05' AND queued_at IS NOT NULL`.execute(
      db,
    );
    expect(rows[0]!.count).toBe('3');
    const outbox = await sql<{ count: string }>`
      SELECT count(*) FROM ticketing.outbound_emails WHERE organization_id = ${org} AND kind = 'daily_summary'`.execute(
      db,
    );
    expect(outbox.rows[0]!.count).toBe('3');
  });

  it('sends the next day’s mails the next morning, to an agent who opted in since too', async () => {
    expect((await patchAgent(agents.bob!.agentId, { daily_summary: true }, org, agents.bob!.token)).status).toBe(200);
    await system.setClock(at('2026-03-06T07:00:00Z'));
    await waitFor(() => (mailsTo('bob').length > 0 && mailsTo('alice').length > 1 ? true : undefined), {
      what: "Friday's mails",
      timeoutMs: 20_000,
    });
    await sleep(1500);
    expect(mailCounts()).toEqual({ alice: 2, bob: 1, sue: 2, ann: 2 });
    expect(mailsTo('bob')[0]!.subject).toBe('Daily summary 2026-03-05 — Warsaw');
    expect(mailsTo('bob')[0]!.text).toContain('Chats: 0 started, 0 answered, 0 resolved, 0 missed');
  });
});
