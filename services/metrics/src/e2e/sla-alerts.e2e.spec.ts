import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDatabase } from '@livedesk/event-store';
import { ChatSystem, waitFor, type Frame, type RtmTestClient } from '@livedesk/testing';

// Live SLA alerts on the real clock: a chat left unanswered must bring sla_warning at 80 % of
// the first-response target and sla_breached at 100 %, each within a second of its time, to
// the agent holding the chat and to the supervisor, once each although two metrics replicas
// poll the timers.
describe('live SLA alerts', () => {
  const TARGET_SECONDS = 3;
  let system: ChatSystem;
  let org: string;
  let group: string;
  let alice: RtmTestClient;
  let supervisor: RtmTestClient;
  let customer: RtmTestClient;

  beforeAll(async () => {
    system = await ChatSystem.start({
      gateways: 1,
      metrics: 2,
      env: { METRICS_SLA_POLL_MS: '50', METRICS_CONTROL_POLL_MS: '100', METRICS_DERIVED_INTERVAL_MS: '100' },
    });
    ({ organization_id: org } = await system.createOrganization('Alerts'));
    group = await system.createGroup(org, 'Support', 'manual');
    const aliceAccount = await system.createAgent(org, { email: 'alice@alerts.test', groups: [group] });
    const sueAccount = await system.createAgent(org, { email: 'sue@alerts.test', role: 'supervisor', groups: [group] });
    alice = await system.connect('agent', aliceAccount.token);
    supervisor = await system.connect('agent', sueAccount.token);
    customer = await system.connect('customer', await system.customerToken(org));
  }, 90_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('sets a policy through the API and sees it projected', async () => {
    const put = await system.call(system.metrics[0]!, 'PUT', `/v1/organizations/${org}/sla_policies/fast`, {
      name: 'Fast first answers',
      match: { group_ids: [group] },
      targets: { first_response_seconds: TARGET_SECONDS },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ policy_id: 'fast', version: 1 });
    await waitFor(
      async () => {
        const list = await system.call(system.metrics[1]!, 'GET', `/v1/organizations/${org}/sla_policies`);
        return list.status === 200 && list.body.policies.length === 1;
      },
      { what: 'the policy to be projected', timeoutMs: 30_000 },
    );
  });

  it('warns at 80 % and reports the breach at 100 % of the target, within a second, once to each socket', async () => {
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: group,
      message: { text: 'Is anyone there?', client_id: 'c-1' },
    });
    const startedAt = Date.now();
    await alice.call('join_chat', { chat_id: chatId });
    const ofChat = (payload: { chat_id?: string }) => payload.chat_id === chatId;
    const isAlert = (action: string) => (frame: Frame) => frame.action === action && ofChat(frame.payload ?? {});
    // `push` also finds an alert received already: on a loaded machine the warning and the
    // breach can come in one socket read, before the test asks for the second.
    const warning = await alice.push('sla_warning', ofChat, 15_000);
    const warnedAt = Date.now();
    const breach = await alice.push('sla_breached', ofChat, 15_000);
    const breachedAt = Date.now();

    const due = Date.parse(breach.due_at);
    expect(breach).toMatchObject({
      chat_id: chatId,
      cycle: 1,
      target: 'first_response',
      policy_id: 'fast',
      group_id: group,
      agent_id: expect.any(String),
    });
    expect(warning.due_at).toBe(breach.due_at);
    // The clock started with the customer's first message, at most a moment before start_chat answered.
    expect(due - startedAt).toBeLessThanOrEqual(TARGET_SECONDS * 1000);
    expect(due - startedAt).toBeGreaterThan(TARGET_SECONDS * 1000 - 1000);
    const warnAt = due - TARGET_SECONDS * 200;
    expect(warnedAt).toBeGreaterThanOrEqual(warnAt - 5);
    expect(warnedAt - warnAt).toBeLessThan(1000);
    expect(breachedAt).toBeGreaterThanOrEqual(due - 5);
    expect(breachedAt - due).toBeLessThan(1000);
    if (process.env.SLA_TIMING) console.log({ warningLateMs: warnedAt - warnAt, breachLateMs: breachedAt - due });

    await supervisor.push('sla_breached', ofChat, 5000);
    // Time for a duplicate to show up, if one were coming.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const socket of [alice, supervisor]) {
      expect(socket.frames.filter(isAlert('sla_warning'))).toHaveLength(1);
      expect(socket.frames.filter(isAlert('sla_breached'))).toHaveLength(1);
    }
    // The customer hears nothing of it.
    expect(customer.frames.filter((frame) => String(frame.action).startsWith('sla_'))).toEqual([]);

    // Recorded: two events in the chat's SLA stream, and the outcome missed, noticed live.
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      const { rows: events } = await sql<{ type: string }>`
        SELECT type FROM event_store.events WHERE stream_id = ${`sla-${chatId}`} ORDER BY stream_version`.execute(db);
      expect(events.map((event) => event.type)).toEqual(['SlaWarningIssued', 'SlaBreached']);
      const outcome = await waitFor(
        async () => {
          const { rows } = await sql<{ status: string; breach_notified_at: Date | null; due_at: Date }>`
          SELECT status, breach_notified_at, due_at FROM metrics.sla_outcomes
           WHERE conversation_id = ${chatId} AND target = 'first_response'`.execute(db);
          return rows[0]?.breach_notified_at ? rows[0] : undefined;
        },
        { what: 'the breach to be projected' },
      );
      expect(outcome.status).toBe('missed');
      expect(outcome.due_at.getTime()).toBe(due);
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it('sends nothing more once the agent answers', async () => {
    const { chat_id: chatId } = await customer.call('start_chat', {
      group_id: group,
      message: { text: 'Hello again', client_id: 'c-2' },
    });
    await alice.call('join_chat', { chat_id: chatId });
    await alice.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Hi, how can I help?', client_id: 'a-1' },
    });
    await new Promise((resolve) => setTimeout(resolve, TARGET_SECONDS * 1000 + 1000));
    expect(
      alice.frames.filter((frame) => String(frame.action).startsWith('sla_') && frame.payload?.chat_id === chatId),
    ).toEqual([]);
  }, 30_000);
});
