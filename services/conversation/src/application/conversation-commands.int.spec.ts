import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Actor, ConversationCommand as WireCommand, ConversationCommandName } from '@livedesk/contracts';
import { createDatabase, EventStore, migrateEventStore } from '@livedesk/event-store';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { systemClock } from '@livedesk/service-kit';
import { DomainError } from '../domain/index.js';
import { migrateReadModel } from '../read-model/migrate-read-model.js';
import { ConversationCommands } from './conversation-commands.service.js';
import { ConversationQueries } from './conversation-queries.service.js';

const ORG = 'org-1';
const customer: Actor = { kind: 'customer', id: 'cust-1' };
const alice: Actor = { kind: 'agent', id: 'alice', role: 'agent', agent_kind: 'human' };

describe('conversation commands against the real event store', () => {
  let database: TestDatabase;
  let db: Kysely<any>;
  let store: EventStore;
  // Two replicas of the service: separate caches over one database, as in production.
  let replicas: [ConversationCommands, ConversationCommands];
  let queries: ConversationQueries;

  function command<N extends ConversationCommandName>(
    name: N,
    fields: Omit<WireCommand<N>, 'command_id' | 'organization_id'> & { organization_id?: string },
    replica = 0,
  ) {
    return replicas[replica]!.execute(name, {
      command_id: randomUUID(),
      organization_id: ORG,
      ...fields,
    } as WireCommand<N>);
  }

  async function startChat(): Promise<string> {
    const chatId = randomUUID();
    await command('start', { actor: customer, chat_id: chatId, channel: 'chat', group_id: 'sales' });
    return chatId;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url, { max: 8 });
    await migrateEventStore(db);
    await migrateReadModel(db);
    store = new EventStore(db);
    replicas = [new ConversationCommands(store, db, systemClock), new ConversationCommands(store, db, systemClock)];
    queries = new ConversationQueries(store, db, { of: async () => 'simple' });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('serializes concurrent commands on one conversation across replicas: every message stored once, versions contiguous', async () => {
    const chatId = await startChat();
    await command('join', { actor: alice, chat_id: chatId });
    const posts = Array.from({ length: 40 }, (_, i) =>
      command(
        'post_message',
        {
          actor: i % 2 === 0 ? customer : alice,
          chat_id: chatId,
          message: { text: `m${i}`, client_id: `m${i}`, attachments: [] },
        },
        i % 2,
      ),
    );
    const outcomes = await Promise.all(posts);
    expect(outcomes.every((outcome) => !outcome.duplicate)).toBe(true);
    const events = await store.readStream(`conversation-${chatId}`);
    expect(events.map((event) => event.streamVersion)).toEqual(events.map((_, i) => i + 1));
    const texts = events
      .filter((event) => event.type === 'MessagePosted')
      .map((event) => (event.data as { text: string }).text);
    expect(texts.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`).sort());
    const row = await db
      .selectFrom('conversation.chats')
      .selectAll()
      .where('chat_id', '=', chatId)
      .executeTakeFirstOrThrow();
    // Messages leave the row alone: it keeps the version of the last change of state (the join).
    expect(row.version).toBe(events.find((event) => event.type === 'AgentAssigned')!.streamVersion);
    expect(row.status).toBe('active');
  });

  it('recognises a retried command by its id and stores nothing twice', async () => {
    const chatId = randomUUID();
    const start = {
      command_id: randomUUID(),
      organization_id: ORG,
      actor: customer,
      chat_id: chatId,
      channel: 'chat' as const,
      group_id: 'sales',
    };
    const first = await replicas[0].execute('start', start);
    const again = await replicas[1].execute('start', start);
    expect(again).toMatchObject({ duplicate: true, version: first.version });
    const post = {
      command_id: randomUUID(),
      organization_id: ORG,
      actor: customer,
      chat_id: chatId,
      message: { text: 'no client id', attachments: [] },
    };
    const posted = await replicas[0].execute('post_message', post);
    const repeated = await replicas[1].execute('post_message', post);
    expect(repeated.duplicate).toBe(true);
    expect(repeated.version).toBe(posted.version);
    expect(await store.streamVersion(`conversation-${chatId}`)).toBe(posted.version);
  });

  it("answers another organization's chat as not found, for commands and queries", async () => {
    const chatId = await startChat();
    const refusal = command('post_message', {
      organization_id: 'org-2',
      actor: customer,
      chat_id: chatId,
      message: { text: 'hi', attachments: [] },
    });
    await expect(refusal).rejects.toMatchObject({ code: 'not_found', reason: 'chat_not_found' });
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(
      queries.get({ organization_id: 'org-2', actor: alice, chat_id: chatId, limit: 100 }),
    ).rejects.toMatchObject({ code: 'not_found' });
    // Starting a chat with the id of another organization's chat does not take it over.
    await expect(
      command('start', { organization_id: 'org-2', actor: customer, chat_id: chatId, channel: 'chat', group_id: 'x' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('reads the chats that commands find outside its cache together, and decides each on its own stream', async () => {
    // Chats started on replica 1, then assigned on a replica that has never seen them (its
    // cache is empty, as after a burst longer than the cache): the reads of the events table.
    const chatIds = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const chatId = randomUUID();
        await command('start', { actor: customer, chat_id: chatId, channel: 'chat', group_id: 'sales' }, 1);
        return chatId;
      }),
    );
    let reads = 0;
    const counted = db.withPlugin({
      transformQuery: (args) => {
        const node = args.node as { kind: string; sqlFragments?: readonly string[] };
        if (node.kind === 'RawNode' && /(FROM|JOIN) event_store\.events\b/.test(node.sqlFragments?.join('') ?? ''))
          reads++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const cold = new ConversationCommands(new EventStore(counted), counted, systemClock);
    const routing: Actor = { kind: 'system', id: 'routing' };
    const assign = (chatId: string, organizationId = ORG) =>
      cold.execute('assign', {
        command_id: randomUUID(),
        organization_id: organizationId,
        actor: routing,
        chat_id: chatId,
        agent_id: 'alice',
        agent_kind: 'human',
      });
    const outcomes = await Promise.allSettled([
      ...chatIds.map((chatId) => assign(chatId)),
      // Another organization's id in the same read: refused as a chat that does not exist.
      assign(chatIds[0]!, 'org-2'),
      assign(randomUUID()),
    ]);
    expect(
      outcomes.slice(0, chatIds.length).map((outcome) => outcome.status === 'fulfilled' && outcome.value.version),
    ).toEqual(chatIds.map(() => 3));
    for (const outcome of outcomes.slice(chatIds.length))
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(reads).toBeLessThanOrEqual(2);
    for (const chatId of chatIds) {
      const [, , assigned] = await store.readStream(`conversation-${chatId}`);
      expect(assigned).toMatchObject({ type: 'AgentAssigned', streamVersion: 3, data: { agent_id: 'alice' } });
    }
  });

  it('drops a command whose caller stopped waiting, without applying it', async () => {
    const chatId = await startChat();
    const expired = command('post_message', {
      actor: customer,
      chat_id: chatId,
      message: { text: 'too late', attachments: [] },
      expires_at: Date.now() - 1,
    });
    await expect(expired).rejects.toMatchObject({ code: 'unavailable', reason: 'expired' });
    expect(await store.streamVersion(`conversation-${chatId}`)).toBe(2);
  });

  it('reads events after since_version, hiding transfer notes from the customer', async () => {
    const chatId = await startChat();
    await command('join', { actor: alice, chat_id: chatId });
    await command('transfer', {
      actor: alice,
      chat_id: chatId,
      target: { agent_id: 'bob', agent_kind: 'human' },
      note: 'VIP',
    });
    const all = await queries.get({ organization_id: ORG, actor: customer, chat_id: chatId, limit: 100 });
    expect(all.events.map((event) => event.version)).toEqual([1, 2, 3, 4, 5]);
    expect(all.events.find((event) => event.type === 'ConversationTransferred')!.data).not.toHaveProperty('note');
    const since = await queries.get({
      organization_id: ORG,
      actor: { kind: 'agent', id: 'bob', role: 'agent', agent_kind: 'human' },
      chat_id: chatId,
      since_version: 3,
      limit: 100,
    });
    expect(since.events.map((event) => [event.version, event.type])).toEqual([
      [4, 'ConversationTransferred'],
      [5, 'AgentAssigned'],
    ]);
    expect(since.events[0]!.data).toMatchObject({ note: 'VIP' });
    expect(since.chat).toMatchObject({ assigned_agent_id: 'bob', agent_ids: ['alice', 'bob'], status: 'active' });
  });

  it('reads a chat whose events exceed 1 MB page by page, each page far under the NATS payload limit (get_chat answered unavailable)', async () => {
    const chatId = await startChat();
    const text = 'x'.repeat(16_384);
    for (let i = 0; i < 80; i++) {
      await command('post_message', {
        actor: customer,
        chat_id: chatId,
        message: { text: `${i} ${text}`.slice(0, 16_384), attachments: [] },
      });
    }
    const versions: number[] = [];
    let since = 0;
    let pages = 0;
    for (;;) {
      const page = await queries.get({
        organization_id: ORG,
        actor: alice,
        chat_id: chatId,
        since_version: since,
        limit: 500,
      });
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(512 * 1024);
      versions.push(...page.events.map((event) => event.version));
      pages++;
      if (!page.has_more) break;
      expect(page.next_since_version).toBe(page.events.at(-1)!.version);
      since = page.next_since_version;
    }
    expect(pages).toBeGreaterThan(4);
    expect(versions).toEqual(Array.from({ length: 82 }, (_, index) => index + 1));
    const counted = await queries.get({
      organization_id: ORG,
      actor: alice,
      chat_id: chatId,
      since_version: 2,
      limit: 3,
    });
    expect(counted.events.map((event) => event.version)).toEqual([3, 4, 5]);
    expect(counted).toMatchObject({ has_more: true, next_since_version: 5 });
  });

  it('reads past events hidden from the customer to fill a page', async () => {
    const chatId = await startChat();
    await command('join', { actor: alice, chat_id: chatId });
    for (const tag of ['a', 'b', 'c', 'd', 'e']) await command('add_tag', { actor: alice, chat_id: chatId, tag });
    await command('post_message', {
      actor: customer,
      chat_id: chatId,
      message: { text: 'still there?', attachments: [] },
    });
    const page = await queries.get({
      organization_id: ORG,
      actor: customer,
      chat_id: chatId,
      since_version: 3,
      limit: 1,
    });
    expect(page.events.map((event) => [event.version, event.type])).toEqual([[9, 'MessagePosted']]);
    expect(page).toMatchObject({ has_more: false, next_since_version: 9 });
    const agentPage = await queries.get({
      organization_id: ORG,
      actor: alice,
      chat_id: chatId,
      since_version: 3,
      limit: 2,
    });
    expect(agentPage.events.map((event) => event.version)).toEqual([4, 5]);
    expect(agentPage).toMatchObject({ has_more: true, next_since_version: 5 });
  });

  it("keeps a chat's tags on its list row for agents, filters by tag, and shows the customer none", async () => {
    const org = `org-${randomUUID()}`;
    const sue: Actor = { kind: 'agent', id: 'sue', role: 'supervisor', agent_kind: 'human' };
    const [tagged, other] = [randomUUID(), randomUUID()];
    for (const chatId of [tagged, other]) {
      await command('start', {
        organization_id: org,
        actor: customer,
        chat_id: chatId,
        channel: 'chat',
        group_id: 'sales',
      });
      await command('join', { organization_id: org, actor: alice, chat_id: chatId });
    }
    await command('add_tag', { organization_id: org, actor: alice, chat_id: tagged, tag: 'vip' });
    await command('add_tag', { organization_id: org, actor: alice, chat_id: tagged, tag: 'refund' }, 1);
    await command('add_tag', { organization_id: org, actor: alice, chat_id: other, tag: 'refund' });
    const removed = await command('remove_tag', { organization_id: org, actor: alice, chat_id: tagged, tag: 'vip' });
    expect(removed.state).toMatchObject({ tags: ['refund'] });
    // Taking off a tag the chat does not have stores nothing.
    const again = await command('remove_tag', { organization_id: org, actor: alice, chat_id: tagged, tag: 'vip' }, 1);
    expect(again).toMatchObject({ version: removed.version, events: [], duplicate: true });

    const byTag = async (tag: string) =>
      (await queries.list({ organization_id: org, actor: sue, filter: 'all', tag, limit: 10 })).chats.map((chat) => [
        chat.chat_id,
        chat.tags,
      ]);
    expect(await byTag('refund')).toEqual(
      expect.arrayContaining([
        [tagged, ['refund']],
        [other, ['refund']],
      ]),
    );
    expect(await byTag('refund')).toHaveLength(2);
    expect(await byTag('vip')).toEqual([]);
    expect(
      (
        await queries.list({
          organization_id: `org-${randomUUID()}`,
          actor: sue,
          filter: 'all',
          tag: 'refund',
          limit: 10,
        })
      ).chats,
    ).toEqual([]);

    const customers = await queries.list({
      organization_id: org,
      actor: customer,
      filter: 'mine',
      tag: 'vip',
      limit: 10,
    });
    expect(customers.chats).toHaveLength(2);
    for (const chat of customers.chats) expect(chat).not.toHaveProperty('tags');
    expect(
      (await queries.get({ organization_id: org, actor: customer, chat_id: tagged, limit: 100 })).chat,
    ).not.toHaveProperty('tags');
    expect((await queries.get({ organization_id: org, actor: alice, chat_id: tagged, limit: 100 })).chat.tags).toEqual([
      'refund',
    ]);
  });

  it('writes the list rows of chats started and joined together (one statement for many) as it writes one', async () => {
    const org = `org-${randomUUID()}`;
    const sue: Actor = { kind: 'agent', id: 'sue', role: 'supervisor', agent_kind: 'human' };
    const chats = Array.from({ length: 20 }, (_, i) => ({
      chatId: randomUUID(),
      customer: { kind: 'customer', id: `cust-${i}` } as Actor,
      page: i % 2 === 0 ? { url: `https://shop.example/item/${i}?q='"\\`, title: `Item ${i} \u{1F600}` } : undefined,
    }));
    const started = await Promise.all(
      chats.map(({ chatId, customer, page }) =>
        command('start', {
          organization_id: org,
          actor: customer,
          chat_id: chatId,
          channel: 'chat',
          group_id: 'sales',
          ...(page ? { page } : {}),
        }),
      ),
    );
    expect(started.map((outcome) => outcome.version)).toEqual(chats.map(() => 2));
    await Promise.all(
      chats.map(({ chatId }) => command('join', { organization_id: org, actor: alice, chat_id: chatId })),
    );

    // Each list row is what the chat's own stream says (get_chat folds it), page included.
    const listed = await queries.list({ organization_id: org, actor: sue, filter: 'all', limit: 50 });
    expect(listed.chats).toHaveLength(chats.length);
    for (const { chatId, page } of chats) {
      const row = listed.chats.find((chat) => chat.chat_id === chatId)!;
      const { chat } = await queries.get({ organization_id: org, actor: sue, chat_id: chatId, limit: 1 });
      expect(row).toMatchObject({ status: 'active', assigned_agent_id: 'alice', agent_ids: ['alice'], version: 3 });
      expect(row.page).toEqual(page);
      expect({ ...row, updated_at: undefined }).toEqual({ ...chat, updated_at: undefined });
    }
    // And they went together: fewer transactions than commands.
    const transactions = await sql<{ n: string }>`
      SELECT count(DISTINCT transaction_id) AS n FROM event_store.events WHERE organization_id = ${org}`.execute(db);
    expect(Number(transactions.rows[0]!.n)).toBeLessThan(2 * chats.length);
  });

  it('lists chats newest first with cursors that neither skip nor repeat', async () => {
    const org = `org-${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const chatId = randomUUID();
      ids.push(chatId);
      await command('start', {
        organization_id: org,
        actor: customer,
        chat_id: chatId,
        channel: 'chat',
        group_id: 'sales',
      });
    }
    const seen: { chat_id: string; started_at: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await queries.list({
        organization_id: org,
        actor: customer,
        filter: 'mine',
        limit: 10,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.chats.map(({ chat_id, started_at }) => ({ chat_id, started_at })));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    // Every chat once, newest first; chats started in the same millisecond follow their ids
    // (the keyset's tie-break), which is why the creation order alone cannot be the expectation.
    expect(seen.map((chat) => chat.chat_id).sort()).toEqual([...ids].sort());
    const newestFirst = [...seen].sort(
      (a, b) => b.started_at.localeCompare(a.started_at) || b.chat_id.localeCompare(a.chat_id),
    );
    expect(seen).toEqual(newestFirst);
    const queued = await queries.list({ organization_id: org, actor: alice, filter: 'queued', limit: 100 });
    expect(queued.chats).toHaveLength(25);
    await expect(queries.list({ organization_id: org, actor: alice, filter: 'all', limit: 10 })).rejects.toMatchObject({
      reason: 'supervisors_only',
    });
    await expect(
      queries.list({ organization_id: org, actor: customer, filter: 'mine', limit: 10, cursor: 'garbage' }),
    ).rejects.toThrow('cursor');
  });
});
