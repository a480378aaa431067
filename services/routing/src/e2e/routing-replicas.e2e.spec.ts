import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { conversationPattern, routingPattern } from '@livedesk/contracts';
import { createDatabase } from '@livedesk/event-store';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { ChatSystem, waitFor } from '@livedesk/testing';
import { Redis } from 'ioredis';
import { sql } from 'kysely';

const GROUP = 'support';

// Two routing replicas deciding at once, and one of them killed mid-stream. Chats and agents
// come in through the services' NATS commands, as the gateway sends them.
describe('routing replicas', () => {
  let system: ChatSystem;
  let client: CommandClient;

  async function agentsOnline(organizationId: string, count: number, maxChats: number): Promise<void> {
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        sendCommand(client, routingPattern('presence'), {
          organization_id: organizationId,
          agent_id: `${organizationId}-agent-${i}`,
          profile: { groups: [{ group_id: GROUP, routing: 'auto' }], max_chats: maxChats },
          connection_id: `socket-${i}`,
          online: true,
        }),
      ),
    );
  }

  function startChat(organizationId: string, n: number): Promise<unknown> {
    return sendCommand(
      client,
      conversationPattern('start'),
      {
        command_id: randomUUID(),
        organization_id: organizationId,
        actor: { kind: 'customer', id: `customer-${n}` },
        chat_id: randomUUID(),
        channel: 'chat',
        group_id: GROUP,
      },
      { timeoutMs: 20_000 },
    );
  }

  async function assignments(organizationId: string): Promise<{ chat: string; agent: string }[]> {
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      const { rows } = await sql<{ stream_id: string; agent: string }>`
        SELECT stream_id, data->>'agent_id' AS agent FROM event_store.events
         WHERE organization_id = ${organizationId} AND type = 'AgentAssigned'`.execute(db);
      return rows.map((row) => ({ chat: row.stream_id, agent: row.agent }));
    } finally {
      await db.destroy();
    }
  }

  /**
   * For a failure message: the chats with no AgentAssigned, each with its events and its routing
   * state in Redis (queued, reserved, to whom). The test database is dropped after the run.
   */
  async function unassignedChats(organizationId: string): Promise<string> {
    const db = createDatabase(system.database.url, { max: 1 });
    const redis = new Redis(system.env.REDIS_URL!);
    try {
      const { rows } = await sql<{ stream_id: string; events: string }>`
        SELECT stream_id, string_agg(type, ' ' ORDER BY stream_version) AS events FROM event_store.events
         WHERE organization_id = ${organizationId} AND stream_id LIKE 'conversation-%'
         GROUP BY stream_id HAVING bool_and(type <> 'AgentAssigned')`.execute(db);
      const lines = await Promise.all(
        rows.map(async (row) => {
          const chat = await redis.hgetall(
            `routing:{${organizationId}}:chat:${row.stream_id.slice('conversation-'.length)}`,
          );
          return `${row.stream_id}: ${row.events}; routing: ${JSON.stringify(chat)}`;
        }),
      );
      return `${rows.length} chats without AgentAssigned:\n${lines.join('\n')}`;
    } finally {
      redis.disconnect();
      await db.destroy();
    }
  }

  function expectNoDoubleAssignment(rows: { chat: string; agent: string }[], capacity: number): void {
    const perChat = new Map<string, number>();
    const perAgent = new Map<string, number>();
    for (const row of rows) {
      perChat.set(row.chat, (perChat.get(row.chat) ?? 0) + 1);
      perAgent.set(row.agent, (perAgent.get(row.agent) ?? 0) + 1);
    }
    expect([...perChat.values()].filter((n) => n > 1)).toEqual([]);
    expect(Math.max(...perAgent.values())).toBeLessThanOrEqual(capacity);
  }

  beforeAll(async () => {
    system = await ChatSystem.start({ routing: 2 });
    client = new CommandClient({ connection: system.nats.connection, subjectPrefix: system.nats.subjectPrefix });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('assigns 200 chats started within a second to 20 agents once each, no agent over capacity', async () => {
    const org = `org-${randomUUID()}`;
    await agentsOnline(org, 20, 10);
    await Promise.all(Array.from({ length: 200 }, (_, n) => startChat(org, n)));
    const rows = await waitFor(
      async () => {
        const found = await assignments(org);
        return found.length >= 200 ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: '200 assignments' },
    );
    expect(new Set(rows.map((row) => row.chat)).size).toBe(200);
    expectNoDoubleAssignment(rows, 10);
    // Fair: equal capacities end equally loaded (20 × 10 = 200: everyone full).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await assignments(org)).toHaveLength(200);
  });

  it('assigns every queued chat after a replica is killed mid-stream', async () => {
    const org = `org-${randomUUID()}`;
    await agentsOnline(org, 10, 20);
    const first = Array.from({ length: 50 }, (_, n) => startChat(org, n));
    await new Promise((resolve) => setTimeout(resolve, 100));
    system.routing[0]!.child.kill('SIGKILL');
    const second = Array.from({ length: 50 }, (_, n) => startChat(org, 50 + n));
    await Promise.all([...first, ...second]);
    await system.startReplica('routing'); // the killed one's successor
    const rows = await waitFor(
      async () => {
        const found = await assignments(org);
        return found.length >= 100 ? found : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: '100 assignments after the kill' },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; ${await unassignedChats(org)}`);
    });
    expect(new Set(rows.map((row) => row.chat)).size).toBe(100);
    expectNoDoubleAssignment(rows, 20);
  }, 120_000);
});
