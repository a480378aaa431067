import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { applyEventBatch, type NewEvent } from '@livedesk/event-store';
import { flushDerived } from './derived-tables.js';
import { METRICS_CONSUMER, MetricsProjector } from './metrics-projector.js';
import { rebuildMetrics } from './rebuild-metrics.js';
import { metricsSnapshot } from './testing/metrics-snapshot.js';
import { metricsTestDatabase, type MetricsTestDatabase } from './testing/metrics-test-database.js';
import { wholeLog } from './testing/whole-log.js';
import { at, event } from './testing/new-events.js';

const ORG = 'org-tags';

const alice = { kind: 'agent', id: 'alice' } as const;
const customer = { kind: 'customer', id: 'cust' } as const;
const tagged = (seconds: number, tag: string) => event(seconds, { type: 'TagAdded', data: { tag } });
const untagged = (seconds: number, tag: string) => event(seconds, { type: 'TagRemoved', data: { tag } });

/** A chat served by alice: the customer writes at 2 s, alice answers at 50 s, resolves at 300 s. */
function chat(chatId: string, answerAt: number): NewEvent[] {
  return [
    event(0, {
      type: 'ConversationStarted',
      data: { conversation_id: chatId, channel: 'chat', group_id: 'g1', customer_id: 'cust' },
    }),
    event(2, {
      type: 'MessagePosted',
      data: { message_id: `${chatId}-m1`, author: customer, text: 'hello', attachments: [] },
    }),
    event(3, { type: 'ConversationQueued', data: { group_id: 'g1' } }),
    event(10, { type: 'AgentAssigned', data: { agent_id: 'alice', agent_kind: 'human', by: 'routing' } }),
    event(answerAt, {
      type: 'MessagePosted',
      data: { message_id: `${chatId}-m2`, author: alice, text: 'Found it', attachments: [] },
    }),
    event(300, { type: 'ConversationResolved', data: { by: alice } }),
  ];
}

// docs/metrics.md, tables for BI tools: `conversation_tags` holds the tags each conversation
// carries now, so that reports group any figure by tag with one join, and a rebuild from the
// event store writes the same rows as live consumption did.
describe('conversation tags in the metrics', () => {
  let fixture: MetricsTestDatabase | undefined;
  let live: Record<string, unknown[]>;

  beforeAll(async () => {
    fixture = await metricsTestDatabase(2);
    const { store, db } = fixture;
    const append = (streamId: string, events: NewEvent[]) =>
      store.appendToStream(streamId, events, 'any', { organizationId: ORG });
    await append(`organization-${ORG}`, [
      event(-100, { type: 'OrganizationCreated', data: { organization_id: ORG, name: 'Tags', time_zone: 'UTC' } }),
    ]);
    // Chat A: vip and refund; refund taken off and put on again later, vip taken off for good.
    await append('conversation-chat-a', [...chat('chat-a', 50), tagged(20, 'vip'), tagged(30, 'refund')]);
    // Chat B: refund only. Chat C: tagged and untagged (no row).
    await append('conversation-chat-b', [...chat('chat-b', 110), tagged(310, 'refund')]);
    await append('conversation-chat-c', [...chat('chat-c', 70), tagged(40, 'spam'), untagged(45, 'spam')]);
    await append('conversation-chat-a', [untagged(320, 'refund'), untagged(321, 'vip'), tagged(330, 'refund')]);
    const projector = new MetricsProjector();
    // Live: one event a batch, as a slow trickle of events would come.
    for (const recorded of await wholeLog(db)) {
      const [outcome] = await applyEventBatch(db, METRICS_CONSUMER, [recorded], (events, trx) =>
        projector.apply(events, trx),
      );
      expect(outcome).toBe('applied');
    }
    await db.transaction().execute((trx) => flushDerived(trx));
    live = await metricsSnapshot(db);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('holds one row per tag a conversation carries now, with when it was put on', async () => {
    const rows = await fixture!.db
      .selectFrom('metrics.conversation_tags')
      .selectAll()
      .orderBy('conversation_id')
      .orderBy('tag')
      .execute();
    expect(rows.map((row) => [row.conversation_id, row.tag, row.tagged_at.toISOString(), row.organization_id])).toEqual(
      [
        ['chat-a', 'refund', at(330).toISOString(), ORG],
        ['chat-b', 'refund', at(310).toISOString(), ORG],
      ],
    );
  });

  it('lets a report group a figure by tag with one join', async () => {
    const { rows } = await sql<{ tag: string; conversations: number; mean_first_response: number }>`
      SELECT t.tag, count(*)::int AS conversations, avg(c.first_response_seconds)::float AS mean_first_response
        FROM metrics.conversation_tags t JOIN metrics.conversation_cycles c USING (conversation_id)
       WHERE t.organization_id = ${ORG}
       GROUP BY t.tag ORDER BY t.tag`.execute(fixture!.db);
    // chat-a answered 48 s after the customer wrote, chat-b 108 s.
    expect(rows).toEqual([{ tag: 'refund', conversations: 2, mean_first_response: 78 }]);
  });

  it.each([
    [1, 1],
    [2, 5],
    [1000, 1000],
  ])(
    'is rebuilt from the event store to the same rows (batches of %i, flushes every %i events)',
    async (batchSize, flushEvery) => {
      await rebuildMetrics(fixture!.db, new MetricsProjector(), { batchSize, flushEvery });
      expect(await metricsSnapshot(fixture!.db)).toEqual(live);
      expect(live['metrics.conversation_tags']).toHaveLength(2);
    },
  );
});
