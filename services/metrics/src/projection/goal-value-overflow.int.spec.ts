import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { applyEventBatch } from '@livedesk/event-store';
import { METRICS_CONSUMER, MetricsProjector } from './metrics-projector.js';
import type { MetricsDatabase } from './metrics-tables.js';
import { wholeLog } from './testing/whole-log.js';
import { metricsTestDatabase, type MetricsTestDatabase } from './testing/metrics-test-database.js';
import { event } from './testing/new-events.js';

const ORG = 'org-goals';

// Two goal values near Number.MAX_VALUE (accepted before report_goal was bounded) summed to
// Infinity: the NOT NULL goal_value column refused the row, and the projector failed on that
// event and on every later event of the chat.
describe('metrics with goal values stored before the bound', () => {
  let fixture: MetricsTestDatabase | undefined;
  let db: Kysely<MetricsDatabase>;

  beforeAll(async () => {
    fixture = await metricsTestDatabase(2);
    db = fixture.db;
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('applies every event of the chat and stores a finite goal sum (a sum overflowing to Infinity froze the chat metrics)', async () => {
    const customer = { kind: 'customer', id: 'cust' } as const;
    await fixture!.store.appendToStream(
      `organization-${ORG}`,
      [event(-10, { type: 'OrganizationCreated', data: { organization_id: ORG, name: 'Goals', time_zone: 'UTC' } })],
      'any',
      { organizationId: ORG },
    );
    await fixture!.store.appendToStream(
      'conversation-chat-g',
      [
        event(0, {
          type: 'ConversationStarted',
          data: { conversation_id: 'chat-g', channel: 'chat', group_id: 'g1', customer_id: 'cust' },
        }),
        event(1, {
          type: 'MessagePosted',
          data: { message_id: 'm1', author: customer, text: 'hello', attachments: [] },
        }),
        event(2, { type: 'ConversationQueued', data: { group_id: 'g1' } }),
        event(3, { type: 'AgentAssigned', data: { agent_id: 'alice', agent_kind: 'human', by: 'routing' } }),
        event(4, { type: 'GoalReported', data: { goal: 'purchase', value: 1.7e308 } }),
        event(5, { type: 'GoalReported', data: { goal: 'upsell', value: 1.7e308 } }),
        event(6, {
          type: 'MessagePosted',
          data: { message_id: 'm2', author: { kind: 'agent', id: 'alice' }, text: 'thanks', attachments: [] },
        }),
        event(60, { type: 'ConversationResolved', data: { by: { kind: 'agent', id: 'alice' } } }),
      ],
      'any',
      { organizationId: ORG },
    );
    const projector = new MetricsProjector();
    for (const recorded of await wholeLog(db)) {
      const [outcome] = await applyEventBatch(db, METRICS_CONSUMER, [recorded], (events, trx) =>
        projector.apply(events, trx),
      );
      expect(outcome).toBe('applied');
    }
    const cycle = await db
      .selectFrom('metrics.conversation_cycles')
      .selectAll()
      .where('conversation_id', '=', 'chat-g')
      .executeTakeFirstOrThrow();
    expect(cycle).toMatchObject({
      end_reason: 'resolved',
      converted: true,
      goals: ['purchase', 'upsell'],
      goal_value: Number.MAX_VALUE,
    });
  });
});
