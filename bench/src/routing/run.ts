/**
 * bench/routing: assignments per second and decision latency of the routing service with 200
 * agents. Real processes (conversation service, routing service), real Postgres, NATS and
 * Redis. Chats are started open-loop at RATE per second through the conversation service's
 * NATS commands (as the gateway sends them); latency is from a chat's `ConversationQueued` to
 * its `AgentAssigned`, both read back from the event store (each event's time is taken when the
 * conversation service decides it, just before its commit).
 *
 * The first WARMUP_SECONDS of chats (at the same rate, before the CHATS measured) are left out
 * of the figures: the services' first seconds (compiling, pools and prepared statements filling)
 * are not what a running system sees.
 *
 *   pnpm bench:routing                 CHATS=10000 RATE=2000 AGENTS=200 ROUTING_REPLICAS=1 WARMUP_SECONDS=3
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { conversationPattern, routingPattern } from '@livedesk/contracts';
import { createDatabase } from '@livedesk/event-store';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  serviceEnvironment,
  serviceUrls,
  spawnService,
  waitFor,
  waitUntilReady,
  type SpawnedService,
} from '@livedesk/testing';
import { sql } from 'kysely';
import { dropRoutingKeys } from '../chat-latency/system-under-test.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';

const CHATS = Number(process.env.CHATS ?? 10_000);
const RATE = Number(process.env.RATE ?? 2000);
const AGENTS = Number(process.env.AGENTS ?? 200);
const REPLICAS = Number(process.env.ROUTING_REPLICAS ?? 1);
const WARMUP_CHATS = Math.round(Number(process.env.WARMUP_SECONDS ?? 3) * RATE);
const ORG = `org-${randomUUID()}`;
const GROUP = 'support';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const urls = await serviceUrls();
  const [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
  const env = serviceEnvironment({
    databaseUrl: database.url,
    natsUrl: urls.natsUrl,
    redisUrl: urls.redisUrl,
    subjectPrefix: nats.subjectPrefix,
    streamPrefix: nats.streamPrefix,
    adminToken: randomBytes(24).toString('base64url'),
    jwtSecret: randomBytes(32).toString('base64url'),
  });
  const services: SpawnedService[] = [];
  const connection = await connect({ servers: urls.natsUrl, name: 'bench-routing' });
  const client = new CommandClient({ connection, subjectPrefix: nats.subjectPrefix });
  const db = createDatabase(database.url, { max: 4 });
  try {
    const conversation = spawnService('conversation', env, await freePort());
    services.push(conversation);
    await waitUntilReady(conversation);
    for (let i = 0; i < REPLICAS; i++) services.push(spawnService('routing', env, await freePort()));
    await Promise.all(services.map((service) => waitUntilReady(service)));

    // 200 agents come online (accepting), each able to hold many chats, so that every chat
    // finds an agent and the figure is the decision path, not the queue.
    const maxChats = Math.max(1, Math.min(100, Math.ceil(((WARMUP_CHATS + CHATS) * 1.2) / AGENTS)));
    await Promise.all(
      Array.from({ length: AGENTS }, (_, i) =>
        sendCommand(client, routingPattern('presence'), {
          organization_id: ORG,
          agent_id: `agent-${i}`,
          profile: { groups: [{ group_id: GROUP, routing: 'auto' }], max_chats: maxChats },
          connection_id: `bench-${i}`,
          online: true,
        }),
      ),
    );

    console.log(
      `${AGENTS} agents accepting (${maxChats} chats each); starting ${WARMUP_CHATS} + ${CHATS} chats at ${RATE}/s`,
    );
    const TOTAL = WARMUP_CHATS + CHATS;
    /** The chats the figures are about: those after the warm-up. */
    const measured = new Set<string>();
    const started = performance.now();
    let sent = 0;
    let failed = 0;
    const inFlight: Promise<unknown>[] = [];
    while (sent < TOTAL) {
      const due = Math.min(TOTAL, Math.floor(((performance.now() - started) / 1000) * RATE));
      while (sent < due) {
        sent += 1;
        const chatId = randomUUID();
        if (sent > WARMUP_CHATS) measured.add(`conversation-${chatId}`);
        inFlight.push(
          sendCommand(
            client,
            conversationPattern('start'),
            {
              command_id: randomUUID(),
              organization_id: ORG,
              actor: { kind: 'customer', id: `customer-${sent}` },
              chat_id: chatId,
              channel: 'chat',
              group_id: GROUP,
            },
            { timeoutMs: 30_000 },
          ).catch(() => (failed += 1)),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(inFlight);
    const offeredSeconds = (performance.now() - started) / 1000;
    let assignedSoFar = 0;
    await waitFor(
      async () => {
        const { rows } = await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM event_store.events WHERE type = 'AgentAssigned'`.execute(db);
        assignedSoFar = Number(rows[0]!.n);
        return assignedSoFar >= TOTAL - failed;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'every chat assigned' },
    ).catch((error: unknown) => {
      throw new Error(
        `${String(error)}: ${assignedSoFar} of ${TOTAL - failed} assigned (${failed} start commands failed)`,
      );
    });

    const { rows } = await sql<{
      event_id: string;
      stream_id: string;
      type: string;
      occurred_at: Date;
      data: { agent_id?: string };
    }>`
      SELECT event_id, stream_id, type, occurred_at, data FROM event_store.events
       WHERE type IN ('ConversationQueued', 'AgentAssigned') ORDER BY global_position`.execute(db);
    const published = await publishedAt(connection, `${nats.streamPrefix}_EVENTS`);
    const queued = new Map<string, number>();
    const queuedPublished = new Map<string, number>();
    const relayLags: number[] = [];
    const afterPublish: number[] = [];
    const latencies: number[] = [];
    const perAgent = new Map<string, number>();
    const perChat = new Map<string, number>();
    let first = Infinity;
    let lastQueued = 0;
    let last = 0;
    for (const row of rows) {
      const at = new Date(row.occurred_at).getTime();
      const inFigures = measured.has(row.stream_id);
      if (row.type === 'ConversationQueued') {
        queued.set(row.stream_id, at);
        if (!inFigures) continue;
        first = Math.min(first, at);
        lastQueued = Math.max(lastQueued, at);
        const sent = published.get(row.event_id);
        if (sent !== undefined) {
          queuedPublished.set(row.stream_id, sent);
          relayLags.push(sent - at);
        }
        continue;
      }
      perChat.set(row.stream_id, (perChat.get(row.stream_id) ?? 0) + 1);
      perAgent.set(row.data.agent_id!, (perAgent.get(row.data.agent_id!) ?? 0) + 1);
      if (!inFigures) continue;
      last = Math.max(last, at);
      latencies.push(at - queued.get(row.stream_id)!);
      const sent = queuedPublished.get(row.stream_id);
      if (sent !== undefined) afterPublish.push(at - sent);
    }
    latencies.sort((a, b) => a - b);
    relayLags.sort((a, b) => a - b);
    afterPublish.sort((a, b) => a - b);
    const assignments = latencies.length;
    const perSecond = assignments / ((last - first) / 1000);
    const twice = [...perChat.values()].filter((n) => n > 1).length;
    const loads = [...perAgent.values()];
    const summary = {
      assignments,
      perSecond,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
      twice,
      failed,
      spread: `${Math.min(...loads)}–${Math.max(...loads)}`,
      offeredSeconds,
      queuedSeconds: (lastQueued - first) / 1000,
      // Where the latency went: the outbox relay (ConversationQueued stored → in JetStream), then
      // routing and the assign command (in JetStream → AgentAssigned stored).
      relayedPerSecond: relayRate(published),
      relayP50: percentile(relayLags, 0.5),
      relayP99: percentile(relayLags, 0.99),
      afterPublishP50: percentile(afterPublish, 0.5),
      afterPublishP99: percentile(afterPublish, 0.99),
    };
    console.log(summary);
    writeResultsSection(
      'routing',
      [
        '## routing (`pnpm bench:routing`)',
        '',
        `Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}. The bench process, the conversation service, ${REPLICAS} routing replica(s), PostgreSQL, NATS and Redis share the machine.`,
        '',
        `${AGENTS} accepting agents in one auto group (${maxChats} chats each); ${WARMUP_CHATS} + ${CHATS} chats started open-loop at ${RATE}/s through the conversation service's NATS commands (offered over ${offeredSeconds.toFixed(1)} s); the first ${WARMUP_CHATS} (the warm-up) are left out of the figures. Latency: a chat's ConversationQueued to its AgentAssigned, as stored.`,
        '',
        '| assignments | assignments/s | p50 ms | p99 ms | max ms | relay p50 / p99 ms | then routing and assign p50 / p99 ms | assigned twice | start commands failed | chats per agent |',
        '|---|---|---|---|---|---|---|---|---|---|',
        `| ${assignments} | ${Math.round(perSecond).toLocaleString('en')} | ${summary.p50} | ${summary.p99} | ${summary.max} | ${Math.round(summary.relayP50)} / ${Math.round(summary.relayP99)} | ${Math.round(summary.afterPublishP50)} / ${Math.round(summary.afterPublishP99)} | ${twice} | ${failed} | ${summary.spread} |`,
        '',
        "- The two stages: from a chat's ConversationQueued stored to JetStream storing it (the outbox relay), then to its AgentAssigned decided (routing's consumer, its decision in Redis, the assign command to the conversation service).",
        '',
        `- Target: at least 2,000 assignments/s and p99 ≤ 50 ms (issue 14): **${Math.round(perSecond).toLocaleString('en')}/s, p99 ${summary.p99} ms** (${perSecond >= 2000 && summary.p99 <= 50 ? 'met' : 'missed'}).`,
      ].join('\n'),
    );
  } finally {
    await client.close();
    await connection.drain().catch(() => undefined);
    await db.destroy();
    for (const service of services.reverse()) await service.stop();
    await database.drop();
    await nats.cleanup();
    await dropRoutingKeys(urls.redisUrl, [ORG, nats.subjectPrefix]);
  }
}

/** Events JetStream stored per second, from its first to its last. */
function relayRate(published: Map<string, number>): number {
  const times = [...published.values()];
  return times.length / ((Math.max(...times) - Math.min(...times)) / 1000);
}

/** When JetStream stored each event of the stream (by event id), read with an ordered consumer. */
async function publishedAt(connection: NatsConnection, streamName: string): Promise<Map<string, number>> {
  const js = jetstream(connection);
  const consumer = await js.consumers.get(streamName);
  const { state } = await (await js.streams.get(streamName)).info();
  const at = new Map<string, number>();
  if (state.messages === 0) return at;
  const messages = await consumer.consume();
  for await (const msg of messages) {
    const envelope = msg.json<{ event_id: string }>();
    at.set(envelope.event_id, msg.info.timestampNanos / 1e6);
    if (msg.info.pending === 0) break;
  }
  await messages.close();
  return at;
}

await main();
