/**
 * bench/logins: 100 agents log in with their passwords at once (`POST /v1/agent/token` on the
 * gateway, forwarded to the identity service, argon2id verification behind the login throttle's
 * bounded concurrency), each from its own address (X-Forwarded-For of a trusted proxy), as
 * after a deployment when a whole shift signs in again. Beside it, in the same run, the anchor:
 * the same 100 argon2 verifications in this process, with nothing else around them.
 *
 *   pnpm bench:logins
 *   AGENTS=200 RUNS=5 pnpm bench:logins
 *
 * Target (issue 14): the login of 100 agents in ≤ 5 s.
 */
import * as argon2 from 'argon2';
import pg from 'pg';
import { startSystemUnderTest } from '../chat-latency/system-under-test.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';
import { quantile } from '../results/quantile.js';

const AGENTS = Number(process.env.AGENTS ?? 100);
const RUNS = Number(process.env.RUNS ?? 3);
const TARGET_SECONDS = 5;
const PASSWORD = 'bench-password-1234';

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function main(): Promise<void> {
  // The bench stands for the proxy in front of the gateway: each agent has an address of its own.
  const system = await startSystemUnderTest({ TRUSTED_PROXIES: 'loopback' });
  const gateway = { url: system.httpBase };
  const adminToken = system.adminToken;
  const rows: string[] = [];
  try {
    const organizationId = await system.createOrganization('logins bench');
    const email = (a: number) => `agent-${a}@logins.bench.livedesk.test`;
    for (let a = 0; a < AGENTS; a++) {
      await post(
        `${gateway.url}/v1/organizations/${organizationId}/agents`,
        { email: email(a), name: `Agent ${a}`, password: PASSWORD, role: 'agent' },
        { authorization: `Bearer ${adminToken}` },
      );
    }
    const db = new pg.Client({ connectionString: system.databaseUrl });
    await db.connect();
    const hash = (await db.query<{ password_hash: string }>('SELECT password_hash FROM directory.agents LIMIT 1'))
      .rows[0]?.password_hash;
    await db.end();
    console.log(`logins: ${AGENTS} agents created; stored hash parameters ${hash!.split('$')[3]}`);

    for (let run = 1; run <= RUNS; run++) {
      // The anchor first: the same number of verifications of the same hash, in this process alone.
      const anchorStarted = performance.now();
      await Promise.all(Array.from({ length: AGENTS }, () => argon2.verify(hash!, PASSWORD)));
      const anchorSeconds = (performance.now() - anchorStarted) / 1000;

      const started = performance.now();
      const latencies = await Promise.all(
        Array.from({ length: AGENTS }, async (_, a) => {
          const sent = performance.now();
          const answer = await post(
            `${gateway.url}/v1/agent/token`,
            { email: email(a), password: PASSWORD },
            { 'x-forwarded-for': `198.51.100.${a % 250}` },
          );
          if (typeof answer.token !== 'string') throw new Error('no token');
          return performance.now() - sent;
        }),
      );
      const allSeconds = (performance.now() - started) / 1000;
      latencies.sort((x, y) => x - y);
      const line = `| ${run} | ${allSeconds.toFixed(2)} s | ${(quantile(latencies, 0.5) / 1000).toFixed(2)} s | ${(quantile(latencies, 0.99) / 1000).toFixed(2)} s | ${anchorSeconds.toFixed(2)} s |`;
      console.log(line);
      rows.push(line);
    }
  } finally {
    await system.stop();
  }
  const best = Math.min(...rows.map((row) => Number(row.split('|')[2]!.trim().split(' ')[0])));
  const worst = Math.max(...rows.map((row) => Number(row.split('|')[2]!.trim().split(' ')[0])));
  writeResultsSection(
    'logins',
    `## logins (\`pnpm bench:logins\`)

Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}. The gateway, identity and conversation services as their own processes on this machine's 2 cores with PostgreSQL, NATS and Redis; the load (${AGENTS} password logins sent at once, each agent from its own address through a trusted proxy's \`X-Forwarded-For\`) from this process. Anchor: ${AGENTS} argon2id verifications of the same stored hash at once in this process, before each run.

| run | all ${AGENTS} logged in | p50 login | p99 login | anchor: ${AGENTS} bare verifications |
|---|---|---|---|---|
${rows.join('\n')}

- Target: ${AGENTS} agent logins in ≤ ${TARGET_SECONDS} s: **${best.toFixed(2)}–${worst.toFixed(2)} s** (${worst <= TARGET_SECONDS ? 'met' : 'missed'}).`,
  );
  console.log('written to bench/RESULTS.md');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
