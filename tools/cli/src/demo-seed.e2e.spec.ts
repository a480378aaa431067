import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { ChatSystem, waitFor } from '@livedesk/testing';
import { spawnCli as livedesk } from './testing/spawn-cli.js';

const ROOT = new URL('../../../', import.meta.url);

/** The starter questions of docs/bi.md: the SQL block under each `### ` heading. */
function starterQuestions(): { title: string; sql: string }[] {
  const text = readFileSync(new URL('docs/bi.md', ROOT), 'utf8');
  return [...text.matchAll(/^### (.+)\n+```sql\n([\s\S]+?)```/gm)].map((match) => ({
    title: match[1]!,
    sql: match[2]!,
  }));
}

// `livedesk demo seed` as a real process: a demo organization whose past days of chats reach the
// metrics tables through the relay and the metrics service, named for BI tools.
describe('livedesk demo seed', () => {
  let system: ChatSystem;
  let env: Record<string, string>;
  let db: pg.Client;

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 1, metrics: 1, env: { METRICS_DERIVED_INTERVAL_MS: '100' } });
    env = { LIVEDESK_URL: system.gatewayUrl(), LIVEDESK_ADMIN_TOKEN: system.adminToken };
    db = new pg.Client({ connectionString: system.database.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await system?.stop();
  });

  it('writes days of history that the metrics tables show with the agents and groups by name', async () => {
    const run = await livedesk(
      ['demo', 'seed', '--days', '3', '--chats-per-day', '20', '--database-url', system.database.url],
      env,
    );
    // What the command said, in the failure, when it fails.
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const seeded = JSON.parse(run.stdout);
    expect(seeded.history).toMatchObject({ conversations: 60 });
    expect(seeded.agents.map((agent: { display_name: string }) => agent.display_name)).toEqual([
      'Alice',
      'Bob',
      'Carla',
      'Dan',
      'Eve',
      'Frank',
    ]);
    expect(seeded.group_ids).toHaveLength(2);
    const org = seeded.organization_id as string;

    // Every chat's cycle is projected, on the three days before today.
    const cycles = await waitFor(
      async () => {
        const { rows } = await db.query<{ n: number; first_day: string; last_day: string }>(
          `SELECT count(DISTINCT conversation_id)::int AS n, min(started_at)::date::text AS first_day, max(started_at)::date::text AS last_day
             FROM metrics.conversation_cycles WHERE organization_id = $1`,
          [org],
        );
        return rows[0]!.n === 60 ? rows[0]! : undefined;
      },
      { what: 'the 60 seeded chats in metrics.conversation_cycles', timeoutMs: 30_000 },
    );
    expect(cycles).toEqual({ n: 60, first_day: seeded.history.from, last_day: seeded.history.to });

    // The first BI starter question (docs/bi.md): chats and median first response per agent, by name.
    const named = await waitFor(
      async () => {
        const { rows } = await db.query<{ agent: string; chats: number }>(
          `SELECT coalesce(a.display_name, a.name) AS agent, count(*)::int AS chats
             FROM metrics.agent_assignments x JOIN metrics.agents a ON a.organization_id = x.organization_id AND a.agent_id = x.agent_id
            WHERE x.organization_id = $1 GROUP BY 1 ORDER BY 1`,
          [org],
        );
        return rows.length === 6 ? rows : undefined;
      },
      { what: 'assignments joined with the agents by name', timeoutMs: 30_000 },
    );
    expect(named.map((row) => row.agent)).toEqual(['Alice', 'Bob', 'Carla', 'Dan', 'Eve', 'Frank']);
    const { rows: groups } = await db.query<{ name: string }>(
      'SELECT name FROM metrics.groups WHERE organization_id = $1 ORDER BY name',
      [org],
    );
    expect(groups.map((group) => group.name)).toEqual(['General', 'Sales', 'Support']);

    // docs/bi.md's starter questions answer on the seeded history, as a login of livedesk_bi.
    const questions = starterQuestions();
    expect(questions).toHaveLength(3);
    const role = `bi_seed_${randomBytes(4).toString('hex')}`;
    await db.query(`CREATE ROLE ${role} LOGIN IN ROLE livedesk_bi`);
    const url = new URL(system.database.url);
    const bi = new pg.Client({
      host: url.hostname,
      port: Number(url.port || 5432),
      database: url.pathname.slice(1),
      user: role,
    });
    try {
      await bi.connect();
      for (const question of questions) {
        const { rows } = await bi.query(question.sql.replaceAll('{{organization_id}}', '$1'), [org]);
        expect({ question: question.title, answered: rows.length > 0 }).toEqual({
          question: question.title,
          answered: true,
        });
      }
      const [perAgent] = questions;
      const { rows } = await bi.query(perAgent!.sql.replaceAll('{{organization_id}}', '$1'), [org]);
      expect(rows.map((row) => row.agent).sort()).toEqual(['Alice', 'Bob', 'Carla', 'Dan', 'Eve', 'Frank']);
    } finally {
      await bi.end().catch(() => undefined);
      await db.query(`DROP ROLE ${role}`);
    }
  });

  it('refuses to run without a database and bad numbers, before creating anything', async () => {
    const before = await db.query('SELECT count(*)::int AS n FROM directory.organizations');
    const noDatabase = await livedesk(['demo', 'seed'], { ...env, DATABASE_URL: '' });
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toMatch(/--database-url or DATABASE_URL/);
    const badDays = await livedesk(['demo', 'seed', '--days', '0', '--database-url', system.database.url], env);
    expect(badDays.code).toBe(2);
    const after = await db.query('SELECT count(*)::int AS n FROM directory.organizations');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
