import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, EventStore } from '@livedesk/event-store';
import { Redis } from 'ioredis';

// Routing takes a customer socket that no report renewed for twice ROUTING_PRESENCE_REFRESH_SECONDS
// as gone, and closes a queued chat whose customer is gone for CHAT_ABANDON_SECONDS. Only the
// gateway's periodic refresh (`customer_presence_refresh`, many sockets a command) keeps a
// connected customer's chat queued past that: here a socket is stale 2 s after its last report,
// the gateway reports every 0.3 s, and a chat is abandoned after 1 s.
describe("the gateway's periodic report of customer sockets", () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function eventTypes(chatId: string): Promise<string[]> {
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      return (await new EventStore(db).readStream(`conversation-${chatId}`)).map((event) => event.type);
    } finally {
      await db.destroy();
    }
  }

  /** Each customer socket routing holds for the organization, with the age of its last report. */
  async function reportAges(organizationId: string): Promise<number[]> {
    const redis = new Redis(system.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `routing:{${organizationId}}:customer-connections:*`);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      const ages: number[] = [];
      for (const key of keys) {
        const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
        for (let i = 1; i < flat.length; i += 2) ages.push(Date.now() - Number(flat[i]));
      }
      return ages;
    } finally {
      redis.disconnect();
    }
  }

  beforeAll(async () => {
    system = await ChatSystem.start({
      routing: 1,
      env: {
        CHAT_ABANDON_SECONDS: '1',
        ROUTING_PRESENCE_REFRESH_SECONDS: '1',
        RTM_PRESENCE_REFRESH_SECONDS: '0.3',
        ROUTING_TIMER_POLL_MS: '50',
      },
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('keeps the queued chats of connected customers, of two organizations, well past the time a socket goes stale', async () => {
    const chats: string[] = [];
    const organizations: string[] = [];
    for (const name of ['Stayers', 'Waiters']) {
      const org = await system.createOrganization(name);
      organizations.push(org.organization_id);
      for (let i = 0; i < 3; i++) {
        const customer = await system.connect('customer', await system.customerToken(org.organization_id));
        sockets.push(customer);
        const { chat_id } = await customer.call('start_chat', { message: { text: `waiting ${i}` } });
        await customer.push('queue_position_updated', (p) => p.chat_id === chat_id);
        chats.push(chat_id);
      }
    }

    // Three times as long as a socket stays fresh without a report, and the abandon delay on top.
    await sleep(7000);
    for (const chatId of chats) expect(await eventTypes(chatId)).not.toContain('ConversationClosed');
    for (const organizationId of organizations) {
      const ages = await reportAges(organizationId);
      expect(ages).toHaveLength(3);
      for (const age of ages) expect(age).toBeLessThan(1500);
    }

    // A customer who leaves is still taken as gone.
    const leaving = sockets[0]!;
    await leaving.close();
    await waitFor(async () => (await eventTypes(chats[0]!)).includes('ConversationClosed'), {
      timeoutMs: 15_000,
      what: 'the chat of the customer who left closed as customer_left',
    });
    for (const chatId of chats.slice(1)) expect(await eventTypes(chatId)).not.toContain('ConversationClosed');
  });
});
