import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor, ChatStatus } from '@livedesk/contracts';
import { createDatabase, EventStore, migrateEventStore } from '@livedesk/event-store';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { systemClock } from '@livedesk/service-kit';
import { migrateReadModel } from '../read-model/migrate-read-model.js';
import { listChats } from '../read-model/chats-table.js';
import { ConversationCommands } from './conversation-commands.service.js';
import { ConversationQueries } from './conversation-queries.service.js';

/**
 * The reads of a reconnect storm (every customer's login list and `get_chat` catch-up at
 * once) are answered in batches: each answer must be the one the customer gets alone.
 */
describe('conversation queries asked together (reconnect storm)', () => {
  let database: TestDatabase;
  let db: Kysely<any>;
  let store: EventStore;
  let commands: ConversationCommands;
  const customerOf = (i: number): Actor => ({ kind: 'customer', id: `storm-${i}` });
  const orgOf = (i: number) => `org-${i % 2}`;
  /** chat ids by customer index; customer i of org-(i % 2). Customers 0 and 1 share no id, but 'twin' is in both orgs. */
  const chats = new Map<number, string[]>();
  const twinChats = new Map<string, string>();
  const CUSTOMERS = 60;

  async function start(org: string, actor: Actor, text: string): Promise<string> {
    const chatId = randomUUID();
    await commands.execute('start', {
      command_id: randomUUID(),
      organization_id: org,
      actor,
      chat_id: chatId,
      channel: 'chat',
      group_id: 'sales',
      message: { text, attachments: [] },
    });
    return chatId;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url, { max: 8 });
    await migrateEventStore(db);
    await migrateReadModel(db);
    store = new EventStore(db);
    commands = new ConversationCommands(store, db, systemClock);
    for (let i = 0; i < CUSTOMERS; i++) {
      // Some customers have no chat, some one, some two (the second closed for every third).
      const ids: string[] = [];
      for (let n = 0; n < i % 3; n++) ids.push(await start(orgOf(i), customerOf(i), `hello ${i}.${n}`));
      if (i % 3 === 2)
        await commands.execute('close', {
          command_id: randomUUID(),
          organization_id: orgOf(i),
          actor: customerOf(i),
          chat_id: ids[0]!,
        });
      chats.set(i, ids);
    }
    for (const org of ['org-0', 'org-1'])
      twinChats.set(org, await start(org, { kind: 'customer', id: 'twin' }, `twin in ${org}`));
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it("answers many concurrent logins' lists, each with its own chats only, as listChats answers it alone", async () => {
    const queries = new ConversationQueries(store, db, { of: async () => 'simple' });
    const asked = Array.from({ length: CUSTOMERS }, (_, i) => ({
      organization_id: orgOf(i),
      actor: customerOf(i),
      filter: 'mine' as const,
      ...(i % 4 === 0 ? {} : { statuses: ['queued', 'active'] as ChatStatus[] }),
      limit: i % 5 === 0 ? 1 : 100,
    }));
    const twins = ['org-0', 'org-1'].map((org) => ({
      organization_id: org,
      actor: { kind: 'customer', id: 'twin' } as Actor,
      filter: 'mine' as const,
      statuses: ['queued', 'active'] as ChatStatus[],
      limit: 100,
    }));
    const answers = await Promise.all([...asked, ...twins].map((query) => queries.list(query)));
    for (const [i, query] of [...asked, ...twins].entries()) {
      const alone = await listChats(db, {
        organizationId: query.organization_id,
        actor: query.actor,
        filter: query.filter,
        ...(query.statuses ? { statuses: query.statuses } : {}),
        limit: query.limit,
      });
      expect(answers[i]!.chats.map((chat) => chat.chat_id)).toEqual(alone.rows.map((row) => row.chat_id));
      expect(answers[i]!.next_cursor).toBe(alone.nextCursor);
      expect(answers[i]!.chats.every((chat) => chat.customer_id === query.actor.id)).toBe(true);
    }
    // Customer 20 (two chats, one closed; every status asked, limit 1) has a next page; the twin of each org sees that org's chat only.
    expect(answers[20]!.chats).toHaveLength(1);
    expect(answers[20]!.next_cursor).not.toBeNull();
    expect(answers[CUSTOMERS]!.chats.map((chat) => chat.chat_id)).toEqual([twinChats.get('org-0')]);
    expect(answers[CUSTOMERS + 1]!.chats.map((chat) => chat.chat_id)).toEqual([twinChats.get('org-1')]);
    // A closed chat is left out where the login asks for queued and active ones only.
    expect(answers[2]!.chats.map((chat) => chat.chat_id)).toEqual([chats.get(2)![1]]);
  });

  it("answers many concurrent catch-ups each with its own chat's page, and refuses only the ones not theirs", async () => {
    const alone = new Map<string, unknown>();
    const reads: { organization_id: string; actor: Actor; chat_id: string; since_version: number; limit: number }[] =
      [];
    for (let i = 0; i < CUSTOMERS; i++)
      for (const chatId of chats.get(i)!) {
        const read = {
          organization_id: orgOf(i),
          actor: customerOf(i),
          chat_id: chatId,
          since_version: i % 2,
          limit: 100,
        };
        reads.push(read);
        // Each asked alone, of a service that has read nothing yet.
        alone.set(
          `${chatId}/${read.since_version}`,
          await new ConversationQueries(store, db, { of: async () => 'simple' }).get(read),
        );
      }
    const queries = new ConversationQueries(store, db, { of: async () => 'simple' });
    const [org0Chat, org1Chat] = [twinChats.get('org-0')!, twinChats.get('org-1')!];
    const foreign = [
      // another organization's chat, by its id: not_found, never its content
      {
        organization_id: 'org-0',
        actor: { kind: 'customer', id: 'twin' } as Actor,
        chat_id: org1Chat,
        since_version: 0,
        limit: 100,
      },
      // another customer's chat of the same organization: refused
      { organization_id: 'org-0', actor: customerOf(2), chat_id: org0Chat, since_version: 0, limit: 100 },
    ];
    const settled = await Promise.allSettled([...reads, ...foreign].map((read) => queries.get(read)));
    reads.forEach((read, i) => {
      expect(settled[i]).toEqual({ status: 'fulfilled', value: alone.get(`${read.chat_id}/${read.since_version}`) });
    });
    expect(settled[reads.length]).toMatchObject({ status: 'rejected', reason: { code: 'not_found' } });
    expect(settled[reads.length + 1]).toMatchObject({ status: 'rejected', reason: { code: 'authorization' } });
    // Asked again with the states cached: the same pages.
    const again = await Promise.all(reads.map((read) => queries.get(read)));
    reads.forEach((read, i) => {
      expect(again[i]).toEqual(alone.get(`${read.chat_id}/${read.since_version}`));
    });
  });
});
