import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createDatabase, EventStore, migrateEventStore, type EventStoreTables } from '@livedesk/event-store';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import type { Kysely } from 'kysely';
import { RoutingHistory } from './routing-history.js';

describe('RoutingHistory: what a rebuild reads of the event store', () => {
  let database: TestDatabase;
  let db: Kysely<EventStoreTables>;
  let store: EventStore;
  let history: RoutingHistory;

  async function append(
    streamId: string,
    organizationId: string,
    ...events: { type: string; data: unknown; schemaVersion?: number }[]
  ) {
    await store.appendToStream(
      streamId,
      events.map((event, i) => ({
        eventId: randomUUID(),
        ...event,
        occurredAt: new Date(1_700_000_000_000 + i * 1000),
      })),
      'any',
      { organizationId },
    );
  }

  const started = (id: string) => ({
    type: 'ConversationStarted',
    data: { conversation_id: id, channel: 'chat', group_id: 'g', customer_id: 'cust' },
  });
  const queued = { type: 'ConversationQueued', data: { group_id: 'g' } };
  const resolved = { type: 'ConversationResolved', data: { by: { kind: 'system' } } };
  const reopened = { type: 'ConversationReopened', data: { by: { kind: 'customer', id: 'cust' } } };
  const message = (author: unknown) => ({
    type: 'MessagePosted',
    schemaVersion: 2,
    data: { message_id: randomUUID(), author, text: 'x'.repeat(10_000), attachments: [] },
  });
  const messageV1 = (kind: string, id: string) => ({
    type: 'MessagePosted',
    schemaVersion: 1,
    data: { message_id: randomUUID(), author_kind: kind, author_id: id, text: 'old' },
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url, { max: 2 });
    await migrateEventStore(db);
    store = new EventStore(db);
    history = new RoutingHistory(store);
    await append('conversation-open', 'org', started('open'), queued);
    await append('conversation-ended', 'org', started('ended'), queued, resolved);
    await append('conversation-reopened', 'org', started('reopened'), queued, resolved, reopened, queued, {
      type: 'TagAdded',
      data: { tag: 'vip' },
    });
    await append(
      'conversation-chatty',
      'org',
      started('chatty'),
      queued,
      message({ kind: 'customer', id: 'cust' }),
      message({ kind: 'agent', id: 'ann' }),
      messageV1('agent', 'bob'),
    );
    await append('conversation-elsewhere', 'other-org', started('elsewhere'), queued);
    await append('agent-ann', 'org', {
      type: 'AgentStatusChanged',
      data: { agent_id: 'ann', from: 'offline', to: 'accepting', reason: 'presence' },
    });
    await append('agent-bob', 'other-org', {
      type: 'AgentStatusChanged',
      data: { agent_id: 'bob', from: 'offline', to: 'accepting', reason: 'agent' },
    });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('finds the organization’s conversations whose last cycle is open, and its agents', async () => {
    expect(await history.liveConversationStreams('org')).toEqual([
      'conversation-chatty',
      'conversation-open',
      'conversation-reopened',
    ]);
    expect(await history.agentStreams('org')).toEqual(['agent-ann']);
  });

  it('lists the versions of the organization’s conversations written to lately, ended ones included', async () => {
    expect(await history.recentConversationVersions('org', 30)).toEqual([
      { streamId: 'conversation-chatty', version: 5 },
      { streamId: 'conversation-ended', version: 3 },
      { streamId: 'conversation-open', version: 2 },
      { streamId: 'conversation-reopened', version: 6 },
    ]);
    await db
      .updateTable('event_store.streams')
      .set({ updated_at: new Date(Date.now() - 40 * 86_400_000) })
      .where('stream_id', '=', 'conversation-ended')
      .execute();
    expect((await history.recentConversationVersions('org', 30)).map((p) => p.streamId)).not.toContain(
      'conversation-ended',
    );
  });

  it('reads the routing events of a stream with the stream’s version, and of a message only its author', async () => {
    const streams = await history.conversationEvents(['conversation-reopened', 'conversation-chatty']);
    const reopened = streams.get('conversation-reopened')!;
    expect(reopened.version).toBe(6); // past the TagAdded routing does not read
    expect(reopened.events.map((e) => [e.streamVersion, e.event.type])).toEqual([
      [1, 'ConversationStarted'],
      [2, 'ConversationQueued'],
      [3, 'ConversationResolved'],
      [4, 'ConversationReopened'],
      [5, 'ConversationQueued'],
    ]);
    expect(reopened.events[1]!.occurredAtMs).toBe(1_700_000_001_000);
    const chatty = streams.get('conversation-chatty')!;
    expect(chatty.events.filter((e) => e.event.type === 'MessagePosted').map((e) => e.event.data)).toEqual([
      { message_id: expect.any(String), author: { kind: 'customer', id: 'cust' } },
      { message_id: expect.any(String), author: { kind: 'agent', id: 'ann' } },
      { message_id: expect.any(String), author: { kind: 'agent', id: 'bob' } }, // stored as v1, upcast
    ]);
  });

  it('reads a stream only up to a version, for a chat caught up to the predecessor of an event', async () => {
    const upTo = (await history.conversationEvents(['conversation-reopened'], 3)).get('conversation-reopened')!;
    expect(upTo.version).toBe(3);
    expect(upTo.events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(await history.storedAgoMs('conversation-reopened', 3)).toBeGreaterThanOrEqual(0);
    expect(await history.storedAgoMs('conversation-reopened', 99)).toBeNull();
  });

  it('reads agents’ status changes', async () => {
    const events = (await history.agentEvents(['agent-ann'])).get('agent-ann')!;
    expect(events.map((e) => e.event.data)).toEqual([
      { agent_id: 'ann', from: 'offline', to: 'accepting', reason: 'presence' },
    ]);
  });
});
