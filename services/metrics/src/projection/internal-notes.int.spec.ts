import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyEventBatch, type NewEvent } from '@livedesk/event-store';
import { flushDerived } from './derived-tables.js';
import { METRICS_CONSUMER, MetricsProjector } from './metrics-projector.js';
import { metricsTestDatabase, type MetricsTestDatabase } from './testing/metrics-test-database.js';
import { wholeLog } from './testing/whole-log.js';
import { event } from './testing/new-events.js';

const ORG = 'org-notes';

const alice = { kind: 'agent', id: 'alice' } as const;
const customer = { kind: 'customer', id: 'cust' } as const;

/** A chat where the customer writes at 2 s, alice is assigned at 10 s and answers at 50 s; `withNote` adds her internal note at 20 s. */
function chat(chatId: string, withNote: boolean): NewEvent[] {
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
    ...(withNote
      ? [
          event(20, {
            type: 'InternalNotePosted',
            data: { message_id: `${chatId}-n1`, author: alice, text: 'checking the order', attachments: [] },
          }),
        ]
      : []),
    event(50, {
      type: 'MessagePosted',
      data: { message_id: `${chatId}-m2`, author: alice, text: 'Found it', attachments: [] },
    }),
    event(300, { type: 'ConversationResolved', data: { by: alice } }),
  ];
}

// docs/metrics.md: internal notes are nobody's reply. A note written before the agent's first
// message must not be taken for the first response, nor for an answer of the exchange.
describe('internal notes in the metrics', () => {
  let fixture: MetricsTestDatabase | undefined;

  beforeAll(async () => {
    fixture = await metricsTestDatabase(2);
    const { store, db } = fixture;
    await store.appendToStream(
      `organization-${ORG}`,
      [event(-100, { type: 'OrganizationCreated', data: { organization_id: ORG, name: 'Notes', time_zone: 'UTC' } })],
      'any',
      { organizationId: ORG },
    );
    await store.appendToStream('conversation-with-note', chat('with-note', true), 'any', { organizationId: ORG });
    await store.appendToStream('conversation-without-note', chat('without-note', false), 'any', {
      organizationId: ORG,
    });
    const projector = new MetricsProjector();
    for (const recorded of await wholeLog(db)) {
      const [outcome] = await applyEventBatch(db, METRICS_CONSUMER, [recorded], (events, trx) =>
        projector.apply(events, trx),
      );
      expect(outcome).toBe('applied');
    }
    await db.transaction().execute((trx) => flushDerived(trx));
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('does not take a note before the first message for the first response', async () => {
    const cycles = await fixture!.db
      .selectFrom('metrics.conversation_cycles')
      .selectAll()
      .orderBy('conversation_id')
      .execute();
    expect(cycles.map((c) => [c.conversation_id, c.first_response_seconds, c.exchanges_answered])).toEqual([
      ['with-note', 48, 1],
      ['without-note', 48, 1],
    ]);
    // Every figure of the cycle is the same as without the note.
    const figures = (c: Record<string, unknown>) => {
      const { conversation_id: _id, stream_version: _version, ...rest } = c;
      return rest;
    };
    expect(figures(cycles[0]!)).toEqual(figures(cycles[1]!));
  });
});
