import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type {
  Actor,
  ConversationCommand as WireCommand,
  ConversationCommandName,
  SearchHit,
  SearchLanguage,
} from '@livedesk/contracts';
import { applyEventBatch, createDatabase, EventStore, migrateEventStore, readAll, START } from '@livedesk/event-store';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { encodeCursor, InvalidCursorError } from '@livedesk/service-kit';
import { ConversationCommands } from '../application/conversation-commands.service.js';
import { ConversationQueries } from '../application/conversation-queries.service.js';
import { DomainError } from '../domain/index.js';
import { migrateReadModel } from '../read-model/migrate-read-model.js';
import { reindexOrganization, searchMessages, type SearchMessagesQuery } from '../read-model/message-search-table.js';
import { applyBatchToSearchIndex, MESSAGE_SEARCH_CONSUMER, rebuildSearchIndex } from './message-search-index.js';

const ORG = 'org-search';
const OTHER_ORG = 'org-other';
const alice: Actor = { kind: 'agent', id: 'alice', role: 'agent', agent_kind: 'human' };
const bob: Actor = { kind: 'agent', id: 'bob', role: 'agent', agent_kind: 'human' };
const sue: Actor = { kind: 'agent', id: 'sue', role: 'supervisor', agent_kind: 'human' };
const customer = (id: string): Actor => ({ kind: 'customer', id });

// The archive search against a real Postgres: chats written through the conversation's own
// commands, indexed by the projection's handler (the events applied as the live subscription
// applies them), searched with the query the service answers.
describe('archive search (search_chats) over the message-search projection', () => {
  let database: TestDatabase;
  let db: Kysely<any>;
  let commands: ConversationCommands;
  let now = new Date('2026-06-01T10:00:00.000Z');
  const languages = new Map<string, SearchLanguage>([[ORG, 'english']]);
  const languageOf = async (organizationId: string) => languages.get(organizationId) ?? 'simple';
  let queries: ConversationQueries;
  const chats: Record<string, string> = {};

  function command<N extends ConversationCommandName>(
    name: N,
    fields: Omit<WireCommand<N>, 'command_id' | 'organization_id'> & { organization_id?: string },
  ) {
    return commands.execute(name, { command_id: randomUUID(), organization_id: ORG, ...fields } as WireCommand<N>);
  }
  const at = (iso: string) => {
    now = new Date(iso);
  };
  const say = (actor: Actor, chatId: string, text: string, organizationId = ORG) =>
    command('post_message', {
      actor,
      chat_id: chatId,
      organization_id: organizationId,
      message: { text, attachments: [] },
    });
  const note = (actor: Actor, chatId: string, text: string) =>
    command('post_message', { actor, chat_id: chatId, message: { text, attachments: [], visibility: 'agents' } });

  /**
   * Applies every event not applied yet in batches of `batch`, as the live subscription does
   * (small batches by default, so that the rebuild's pages of 1,000 cut them elsewhere).
   */
  async function catchUp(batch = 3): Promise<void> {
    let after = START;
    for (;;) {
      const read = await readAll(db, { after, limit: batch });
      if (read.events.length === 0) return;
      await applyEventBatch(db, MESSAGE_SEARCH_CONSUMER, read.events, (events, trx) =>
        applyBatchToSearchIndex(trx, events, languageOf),
      );
      after = read.checkpoint;
    }
  }

  const search = (actor: Actor, fields: Partial<SearchMessagesQuery> = {}) =>
    searchMessages(db, { organizationId: ORG, actor, language: 'english', limit: 50, ...fields });
  const texts = (hits: SearchHit[]) => hits.map((hit) => hit.excerpt);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url, { max: 4 });
    await migrateEventStore(db);
    await migrateReadModel(db);
    commands = new ConversationCommands(new EventStore(db), db, { now: () => now });
    queries = new ConversationQueries(new EventStore(db), db, { of: languageOf });

    // Alice's chat, resolved and rated 2; Bob's chat, active; a queued chat; another organization's.
    at('2026-06-01T10:00:00.000Z');
    chats.alice = randomUUID();
    await command('start', {
      actor: customer('c-1'),
      chat_id: chats.alice,
      channel: 'chat',
      group_id: 'sales',
      message: { text: 'I want refunds for the broken kettle', attachments: [] },
    });
    await command('join', { actor: alice, chat_id: chats.alice });
    at('2026-06-01T10:05:00.000Z');
    await say(alice, chats.alice, 'We refunded the kettle today.');
    at('2026-06-01T10:06:00.000Z');
    await note(alice, chats.alice, 'Kettle batch 7 is faulty, tell the warehouse');
    await command('resolve', { actor: alice, chat_id: chats.alice });
    await command('rate', { actor: customer('c-1'), chat_id: chats.alice, score: 2 });

    at('2026-06-03T09:00:00.000Z');
    chats.bob = randomUUID();
    await command('start', {
      actor: customer('c-2'),
      chat_id: chats.bob,
      channel: 'chat',
      group_id: 'support',
      message: { text: 'My kettle whistles at night', attachments: [] },
    });
    await command('join', { actor: bob, chat_id: chats.bob });
    at('2026-06-03T09:01:00.000Z');
    await say(bob, chats.bob, 'Whistling kettles are normal.');

    at('2026-06-05T12:00:00.000Z');
    chats.queued = randomUUID();
    await command('start', {
      actor: customer('c-3'),
      chat_id: chats.queued,
      channel: 'chat',
      group_id: 'sales',
      message: { text: 'Is the kettle in stock?', attachments: [] },
    });

    chats.other = randomUUID();
    await command('start', {
      actor: customer('c-9'),
      chat_id: chats.other,
      organization_id: OTHER_ORG,
      channel: 'chat',
      group_id: 'sales',
      message: { text: 'kettle kettle kettle', attachments: [] },
    });
    await catchUp();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it("finds a word in the organization's messages and notes only, stemmed in its language, newest first", async () => {
    const { hits, nextCursor } = await search(sue, { text: 'kettle' });
    expect(texts(hits)).toEqual([
      'Is the kettle in stock?',
      'Whistling kettles are normal.',
      'My kettle whistles at night',
      'Kettle batch 7 is faulty, tell the warehouse',
      'We refunded the kettle today.',
      'I want refunds for the broken kettle',
    ]);
    expect(nextCursor).toBeNull();
    expect(hits.every((hit) => hit.chat_id !== chats.other)).toBe(true);
    const noteHit = hits.find((hit) => hit.excerpt.startsWith('Kettle batch'))!;
    expect(noteHit).toMatchObject({
      chat_id: chats.alice,
      visibility: 'agents',
      author: { kind: 'agent', id: 'alice' },
      chat: { status: 'resolved', rating: 2, group_id: 'sales', customer_id: 'c-1' },
    });
    expect(hits.find((hit) => hit.excerpt.startsWith('I want'))).toMatchObject({
      visibility: 'all',
      author: { kind: 'customer', id: 'c-1' },
      posted_at: '2026-06-01T10:00:00.000Z',
    });
    // English stems: "refund" finds "refunds" and "refunded"; all words must occur; phrases and exclusions.
    expect(texts((await search(sue, { text: 'refund' })).hits)).toEqual([
      'We refunded the kettle today.',
      'I want refunds for the broken kettle',
    ]);
    expect(texts((await search(sue, { text: 'refund broken' })).hits)).toEqual([
      'I want refunds for the broken kettle',
    ]);
    expect(texts((await search(sue, { text: '"broken kettle" -today' })).hits)).toEqual([
      'I want refunds for the broken kettle',
    ]);
    expect((await search(sue, { text: 'the' })).hits).toEqual([]);
  });

  it('keeps to the chats an agent may read: their own and the queued ones; supervisors all', async () => {
    const ofAlice = (await search(alice, { text: 'kettle' })).hits.map((hit) => hit.chat_id);
    expect(new Set(ofAlice)).toEqual(new Set([chats.alice, chats.queued]));
    const ofBob = (await search(bob, { text: 'kettle' })).hits.map((hit) => hit.chat_id);
    expect(new Set(ofBob)).toEqual(new Set([chats.bob, chats.queued]));
    const otherOrganization = await searchMessages(db, {
      organizationId: OTHER_ORG,
      actor: { ...sue },
      language: 'simple',
      text: 'kettle',
      limit: 50,
    });
    expect(otherOrganization.hits.map((hit) => hit.chat_id)).toEqual([chats.other]);
    await expect(
      queries.search({ organization_id: ORG, actor: customer('c-1'), query: 'kettle', limit: 20 }),
    ).rejects.toThrow(DomainError);
  });

  it('filters by time posted, group, status, agent and rating', async () => {
    const between = await search(sue, {
      text: 'kettle',
      filters: { from: '2026-06-01T10:05:00.000Z', to: '2026-06-05T12:00:00.000Z' },
    });
    expect(texts(between.hits)).toEqual([
      'Whistling kettles are normal.',
      'My kettle whistles at night',
      'Kettle batch 7 is faulty, tell the warehouse',
      'We refunded the kettle today.',
    ]);
    expect(texts((await search(sue, { filters: { from: '2026-06-04T00:00:00.000Z' } })).hits)).toEqual([
      'Is the kettle in stock?',
    ]);
    expect(
      new Set((await search(sue, { text: 'kettle', filters: { group_id: 'sales' } })).hits.map((hit) => hit.chat_id)),
    ).toEqual(new Set([chats.alice, chats.queued]));
    expect(
      new Set((await search(sue, { text: 'kettle', filters: { status: 'active' } })).hits.map((hit) => hit.chat_id)),
    ).toEqual(new Set([chats.bob]));
    expect(
      new Set((await search(sue, { text: 'kettle', filters: { agent_id: 'bob' } })).hits.map((hit) => hit.chat_id)),
    ).toEqual(new Set([chats.bob]));
    expect(new Set((await search(sue, { filters: { rating: 2 } })).hits.map((hit) => hit.chat_id))).toEqual(
      new Set([chats.alice]),
    );
    expect((await search(sue, { filters: { rating: 5 } })).hits).toEqual([]);
  });

  it('pages with a cursor: every hit exactly once, also while new messages arrive; a forged cursor is refused', async () => {
    const all = (await search(sue, { text: 'kettle' })).hits.map((hit) => hit.event_id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(sue, { text: 'kettle', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.hits.map((hit) => hit.event_id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      if (pages === 1) {
        // A newer message does not shift the pages still to read.
        at('2026-06-06T08:00:00.000Z');
        await say(bob, chats.bob!, 'Another kettle question came in');
        await catchUp();
      }
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    await expect(search(sue, { text: 'kettle', cursor: 'bm90IGEgY3Vyc29y' })).rejects.toThrow(InvalidCursorError);
    await expect(search(sue, { text: 'kettle', cursor: encodeCursor(new Date(), 'not-an-event-id') })).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(
      search(sue, { text: 'kettle', cursor: Buffer.from('["2026-13-45T00:00:00.000Z","x"]').toString('base64url') }),
    ).rejects.toThrow(InvalidCursorError);
  });

  it('rebuilds from the events the rows live consumption wrote', async () => {
    const rows = async () =>
      (
        await sql<
          Record<string, unknown>
        >`SELECT event_id, organization_id, chat_id, version, message_id, author_kind, author_id, internal, text, language::text, words::text, posted_at
        FROM conversation.search_messages ORDER BY event_id`.execute(db)
      ).rows;
    const ratings = async () =>
      (await sql<Record<string, unknown>>`SELECT * FROM conversation.search_ratings ORDER BY chat_id`.execute(db)).rows;
    const live = await rows();
    const liveRatings = await ratings();
    expect(live.length).toBe(8);
    const applied = await rebuildSearchIndex(db, languageOf);
    expect(applied).toBeGreaterThan(live.length);
    expect(await rows()).toEqual(live);
    expect(await ratings()).toEqual(liveRatings);
    // A changed language applies to what a rebuild indexes.
    languages.set(ORG, 'simple');
    await rebuildSearchIndex(db, languageOf);
    expect((await search(sue, { text: 'refund', language: 'simple' })).hits).toEqual([]);
    expect(texts((await search(sue, { text: 'refunds', language: 'simple' })).hits)).toEqual([
      'I want refunds for the broken kettle',
    ]);
    languages.set(ORG, 'english');
    await rebuildSearchIndex(db, languageOf);
  });

  it("re-splits an organization's messages when its language changes, in batches, once", async () => {
    expect(await reindexOrganization(db, ORG, 'simple', 3)).toBe(7);
    expect(await reindexOrganization(db, ORG, 'simple', 3)).toBe(0);
    expect((await search(sue, { text: 'refund', language: 'simple' })).hits).toEqual([]);
    expect(texts((await search(sue, { text: 'refunds', language: 'simple' })).hits)).toEqual([
      'I want refunds for the broken kettle',
    ]);
    // The other organization's rows are not touched.
    const { rows } = await sql<{
      language: string;
    }>`SELECT language::text FROM conversation.search_messages WHERE organization_id = ${OTHER_ORG}`.execute(db);
    expect(rows).toEqual([{ language: 'simple' }]);
    expect(await reindexOrganization(db, ORG, 'english')).toBe(7);
    expect(texts((await search(sue, { text: 'refund' })).hits)).toEqual([
      'We refunded the kettle today.',
      'I want refunds for the broken kettle',
    ]);
  });

  it('indexes a batch once: its messages in one statement, the last of two ratings of a chat', async () => {
    const chatId = randomUUID();
    await command('start', {
      actor: customer('c-4'),
      chat_id: chatId,
      channel: 'chat',
      group_id: 'sales',
      message: { text: 'The toaster sparks', attachments: [] },
    });
    await command('join', { actor: alice, chat_id: chatId });
    await say(alice, chatId, 'Unplug the toaster please');
    await note(alice, chatId, 'Toaster recall list');
    await command('resolve', { actor: alice, chat_id: chatId });
    await command('rate', { actor: customer('c-4'), chat_id: chatId, score: 1 });
    await command('rate', { actor: customer('c-4'), chat_id: chatId, score: 5 });
    const { events } = await readAll(db, { after: START, limit: 10_000 });
    const applyAll = () =>
      applyEventBatch(db, MESSAGE_SEARCH_CONSUMER, events, (batch, trx) =>
        applyBatchToSearchIndex(trx, batch, languageOf),
      );
    const outcomes = await applyAll();
    const mine = events
      .map((event, i) => ({ event, outcome: outcomes[i] }))
      .filter(({ event }) => event.streamId.endsWith(chatId));
    expect(mine.every(({ outcome }) => outcome === 'applied')).toBe(true);
    expect(outcomes.filter((outcome) => outcome === 'applied').length).toBe(mine.length);
    // Delivered again (a redelivery): nothing is applied twice.
    expect((await applyAll()).every((outcome) => outcome === 'already_applied')).toBe(true);
    const { rows } = await sql<{ text: string }>`
      SELECT text FROM conversation.search_messages WHERE chat_id = ${chatId} ORDER BY version`.execute(db);
    expect(rows.map((row) => row.text)).toEqual([
      'The toaster sparks',
      'Unplug the toaster please',
      'Toaster recall list',
    ]);
    const score = await sql<{
      score: number;
    }>`SELECT score FROM conversation.search_ratings WHERE chat_id = ${chatId}`.execute(db);
    expect(score.rows).toEqual([{ score: 5 }]);
    expect(texts((await search(sue, { text: 'toasters' })).hits).sort()).toEqual([
      'The toaster sparks',
      'Toaster recall list',
      'Unplug the toaster please',
    ]);
  });
});
