/**
 * bench/routing/state-decisions: what one routing decision costs in Redis. `RoutingState.reserveNext`
 * (one Lua script: read the group's accepting agents, pick, take the slot) against the real Redis,
 * with AGENTS accepting agents in one group, at several numbers of decisions in flight. It isolates
 * the Redis part of bench/src/routing/run.ts (ConversationQueued committed → AgentAssigned
 * committed through the services).
 *
 * Not wired into package.json. Build the routing service first (this imports its compiled state):
 *   pnpm exec tsc -b services/routing/tsconfig.json bench/tsconfig.json
 *   node bench/dist/routing/state-decisions.js          AGENTS=200 DECISIONS=20000 CONCURRENCY=1,8,32
 *
 * Cases, each with a fresh organization:
 * - floor: EVALSHA of a script that returns at once, same key and client: the round-trip floor;
 * - queue full: DECISIONS chats queued beforehand, limits high enough that nobody fills up, only
 *   reserveNext runs during the measure;
 * - churn: limit 10 chats per agent; after each decision the worker resolves the chat and queues a
 *   new one (not timed, but Redis runs them between the decisions), so agents' loads and last
 *   assignment times keep changing as in service.
 * Latency is per call, from the client (includes the loopback round trip and the client's queueing
 * when several calls are in flight). Server time per call comes from INFO commandstats (the diff
 * around the case; other clients of the same Redis would show in it).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createTestRedis } from '@livedesk/testing';
import { RoutingState } from '../../../services/routing/dist/state/index.js';
import { routingKey } from '../../../services/routing/dist/state/routing-keys.js';
import { machineLine } from '../results/results-file.js';

const AGENTS = Number(process.env.AGENTS ?? 200);
const DECISIONS = Number(process.env.DECISIONS ?? 20_000);
const CONCURRENCY = (process.env.CONCURRENCY ?? '1,8,32').split(',').map(Number);
const GROUP = 'support';

interface CaseResult {
  name: string;
  concurrency: number;
  perSecond: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  serverMicros: number | null;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function evalshaStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const info = await redis.info('commandstats');
  const line = info.split('\n').find((row) => row.startsWith('cmdstat_evalsha:'));
  const calls = Number(/calls=(\d+)/.exec(line ?? '')?.[1] ?? 0);
  const usec = Number(/usec=(\d+)/.exec(line ?? '')?.[1] ?? 0);
  return { calls, usec };
}

/** Runs `concurrency` loops that call `decide` until `total` decisions were made; times each call. */
async function measure(
  redis: Redis,
  name: string,
  concurrency: number,
  total: number,
  decide: () => Promise<unknown>,
  after?: (result: unknown) => Promise<void>,
): Promise<CaseResult> {
  const latencies = new Float64Array(total);
  let next = 0;
  const before = await evalshaStats(redis);
  const started = process.hrtime.bigint();
  const loop = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      const t0 = process.hrtime.bigint();
      const result = await decide();
      latencies[index] = Number(process.hrtime.bigint() - t0) / 1e6;
      if (result === null) throw new Error(`${name}: no decision possible at ${index}`);
      if (after) await after(result);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const afterStats = await evalshaStats(redis);
  latencies.sort();
  // Only "queue full" and "floor" run nothing but the measured script; churn's other scripts share the count.
  const calls = afterStats.calls - before.calls;
  return {
    name,
    concurrency,
    perSecond: total / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    p999: percentile(latencies, 0.999),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    serverMicros: calls > 0 ? (afterStats.usec - before.usec) / calls : null,
  };
}

async function prepare(state: RoutingState, org: string, chatLimit: number, chats: number): Promise<void> {
  for (let i = 0; i < AGENTS; i += 1) {
    await state.upsertAgent(org, {
      agentId: `agent-${i}`,
      groupIds: [GROUP],
      maxChats: { chat: chatLimit, messaging: 8 },
    });
    await state.setStatus(org, `agent-${i}`, 'accepting', Date.now());
  }
  let queued = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (queued < chats) {
        const chatId = `chat-${queued++}`;
        await state.chatStarted(org, { chatId, groupId: GROUP, channel: 'chat', customerId: `customer-${chatId}` });
        await state.enqueue(org, chatId, GROUP, Date.now());
      }
    }),
  );
}

async function main(): Promise<void> {
  const redis = await createTestRedis();
  // Each case's organization is fresh: its state is "rebuilt" from an empty history (the epoch
  // key alone), as the routing service does before its first decision for an organization.
  const state = new RoutingState(redis.client, {
    recovery: {
      watch: () => undefined,
      recover: async (organizationId: string) =>
        void (await redis.client.set(routingKey(organizationId, 'epoch'), 'bench: no history', 'NX')),
    },
  });
  const redisVersion = `Redis ${/redis_version:(\S+)/.exec(await redis.client.info('server'))?.[1] ?? '?'} at ${new URL(redis.url).host}`;
  const results: CaseResult[] = [];
  try {
    for (const concurrency of CONCURRENCY) {
      const floorKey = `bench-floor:{${randomUUID()}}`;
      const floorSha = (await redis.client.script('LOAD', 'return 1')) as string;
      results.push(
        await measure(redis.client, 'floor (EVALSHA return 1)', concurrency, DECISIONS, () =>
          redis.client.evalsha(floorSha, 1, floorKey),
        ),
      );

      const full = `org-${randomUUID()}`;
      await prepare(state, full, Math.ceil(DECISIONS / AGENTS) + 1, DECISIONS);
      results.push(
        await measure(redis.client, 'reserveNext, queue full', concurrency, DECISIONS, () =>
          state.reserveNext(full, GROUP, Date.now()),
        ),
      );

      const churn = `org-${randomUUID()}`;
      await prepare(state, churn, 10, 2 * AGENTS * 10);
      let extra = 0;
      results.push(
        await measure(
          redis.client,
          'reserveNext, churn (limit 10)',
          concurrency,
          DECISIONS,
          () => state.reserveNext(churn, GROUP, Date.now()),
          async (result) => {
            const { chatId } = result as { chatId: string };
            await state.released(churn, chatId);
            const newChat = `extra-${extra++}`;
            await state.chatStarted(churn, {
              chatId: newChat,
              groupId: GROUP,
              channel: 'chat',
              customerId: `customer-${newChat}`,
            });
            await state.enqueue(churn, newChat, GROUP, Date.now());
          },
        ),
      );
    }
  } finally {
    await redis.cleanup();
  }

  console.log(
    `state-decisions: ${machineLine([redisVersion])}; ${AGENTS} accepting agents in one group, ${DECISIONS} decisions per case`,
  );
  console.log('| case | in flight | decisions/s | p50 ms | p99 ms | p99.9 ms | max ms | server µs/call |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const server = r.serverMicros === null ? '' : r.serverMicros.toFixed(0);
    console.log(
      `| ${r.name} | ${r.concurrency} | ${Math.round(r.perSecond).toLocaleString('en')} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.p999.toFixed(3)} | ${r.max.toFixed(2)} | ${server} |`,
    );
  }
  console.log(
    'Server µs/call: mean Redis time per EVALSHA during the case; for churn, over its four scripts per decision (reserve, release, start, queue).',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
