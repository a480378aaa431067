import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import type { PinoLogger } from 'nestjs-pino';
import { applyEventBatch, readStream, type EventStore, type NewEvent } from '@livedesk/event-store';
import type { Clock } from '@livedesk/service-kit';
import type { MetricsConfig } from '../metrics-config.js';
import { METRICS_CONSUMER, MetricsProjector } from '../projection/metrics-projector.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { SlaAlertRunner } from './sla-alert-runner.js';
import { metricsTestDatabase, type MetricsTestDatabase } from '../projection/testing/metrics-test-database.js';
import { at, event } from '../projection/testing/new-events.js';

const ORG = 'org-1';

let fixture: MetricsTestDatabase | undefined;
let db: Kysely<MetricsDatabase>;
let store: EventStore;
const projector = new MetricsProjector();
let now = at(0);
const clock: Clock = { now: () => now };
const logger = { setContext: () => undefined, error: () => undefined } as unknown as PinoLogger;
const runner = () => new SlaAlertRunner(db, store, { METRICS_SLA_POLL_MS: 100 } as MetricsConfig, clock, logger);

beforeAll(async () => {
  fixture = await metricsTestDatabase(6);
  db = fixture.db;
  store = fixture.store;
});
afterAll(async () => {
  await fixture?.close();
});
const customer = (s: number) =>
  event(s, {
    type: 'MessagePosted',
    data: { message_id: `m${s}`, author: { kind: 'customer', id: 'cust' }, text: 'hi', attachments: [] },
  });
const reply = (s: number) =>
  event(s, {
    type: 'MessagePosted',
    data: { message_id: `m${s}`, author: { kind: 'agent', id: 'alice' }, text: 'hello', attachments: [] },
  });

/** Appends to a conversation; `project`: and applies the new events as live consumption would. */
async function append(chat: string, events: NewEvent[], project = true): Promise<void> {
  const { nextExpectedVersion } = await store.appendToStream(`conversation-${chat}`, events, 'any', {
    organizationId: ORG,
  });
  if (project) await projectFrom(`conversation-${chat}`, nextExpectedVersion - events.length);
}

async function projectFrom(streamId: string, afterVersion: number): Promise<void> {
  for (const recorded of await readStream(db as never, streamId, { afterVersion })) {
    await applyEventBatch(db, METRICS_CONSUMER, [recorded], (events, trx) => projector.apply(events, trx));
  }
}

const alertsOf = async (chat: string) =>
  (
    await sql<{
      type: string;
      target: string;
    }>`SELECT type, data->>'target' AS target FROM event_store.events WHERE stream_id = ${`sla-${chat}`} ORDER BY stream_version`.execute(
      db,
    )
  ).rows;

describe('SlaAlertRunner', () => {
  it('sends the alerts that are due, once, whichever replica takes them', async () => {
    await append('c1', [
      event(0, {
        type: 'ConversationStarted',
        data: { conversation_id: 'c1', channel: 'chat', group_id: 'g1', customer_id: 'cust' },
      }),
      customer(0),
      event(0, { type: 'ConversationQueued', data: { group_id: 'g1' } }),
    ]);
    // Default policy: queue 45 s (warning at 36 s), first response 60 s (warning at 48 s).
    now = at(40);
    const fired = await Promise.all([runner().fireDue(), runner().fireDue()]);
    expect(fired[0]! + fired[1]!).toBe(1);
    now = at(50);
    expect(await runner().fireDue()).toBe(2); // the queue's breach, the first response's warning
    expect(await runner().fireDue()).toBe(0);
    // The projection, not having seen an alert yet, may set its timer again: sent again, it is
    // the same event (its id comes from what it is about) and is stored once.
    await sql`
      INSERT INTO metrics.projection_timers (organization_id, conversation_id, cycle, target, exchange, kind, fire_at, due_at, policy_id, group_id, agent_id, conversation_version)
      VALUES (${ORG}, 'c1', 1, 'queue', 0, 'warning', ${at(36)}, ${at(45)}, 'default', 'g1', NULL, 3)`.execute(db);
    expect(await runner().fireDue()).toBe(1);
    expect(await alertsOf('c1')).toEqual([
      { type: 'SlaWarningIssued', target: 'queue' },
      { type: 'SlaBreached', target: 'queue' },
      { type: 'SlaWarningIssued', target: 'first_response' },
    ]);
  });

  it('waits for the projection before reporting a breach (the reply just in time not yet projected)', async () => {
    await append('c2', [
      event(100, {
        type: 'ConversationStarted',
        data: { conversation_id: 'c2', channel: 'chat', group_id: 'g1', customer_id: 'cust' },
      }),
      customer(100),
      event(100, { type: 'ConversationQueued', data: { group_id: 'g1' } }),
      event(110, { type: 'AgentAssigned', data: { agent_id: 'alice', agent_kind: 'human', by: 'agent' } }),
    ]);
    now = at(149); // first-response warning (48 s) due, breach (60 s) not yet
    await runner().fireDue(); // (c1's first-response breach goes too)
    expect(await alertsOf('c2')).toEqual([{ type: 'SlaWarningIssued', target: 'first_response' }]); // the queue target was met at 110 s
    await projectFrom('sla-c2', 0);
    // alice answers at 159 s, in time; the clock moves past the due time before the projection sees it.
    await append('c2', [reply(159)], false);
    now = at(170);
    expect(await runner().fireDue()).toBe(0);
    expect(await alertsOf('c2')).toEqual([{ type: 'SlaWarningIssued', target: 'first_response' }]);
    await projectFrom('conversation-c2', 4);
    expect(await runner().fireDue()).toBe(0);
    const outcome = await db
      .selectFrom('metrics.sla_outcomes')
      .selectAll()
      .where('conversation_id', '=', 'c2')
      .where('target', '=', 'first_response')
      .executeTakeFirstOrThrow();
    expect(outcome).toMatchObject({ status: 'hit', completed_at: at(159), breach_notified_at: null });
  });
});
