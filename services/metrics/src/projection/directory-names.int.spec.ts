import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type OrganizationEvent } from '@livedesk/contracts';
import { applyEventBatch } from '@livedesk/event-store';
import { METRICS_CONSUMER, MetricsProjector } from './metrics-projector.js';
import { metricsTestDatabase, type MetricsTestDatabase } from './testing/metrics-test-database.js';
import { wholeLog } from './testing/whole-log.js';
import { event, T0 as t0 } from './testing/new-events.js';

const agent = (
  id: string,
  name: string,
  changes: Partial<Extract<OrganizationEvent, { type: 'AgentSaved' }>['data']> = {},
): OrganizationEvent => ({
  type: 'AgentSaved',
  data: {
    agent_id: id,
    name,
    display_name: null,
    role: 'agent',
    kind: 'human',
    group_ids: [],
    disabled: false,
    ...changes,
  },
});

// metrics.agents and metrics.groups: the names a BI tool joins the figures with, kept from the
// organizations' streams, readable by the livedesk_bi role that cannot read anything else.
describe('agent and group names for BI tools', () => {
  let fixture: MetricsTestDatabase | undefined;

  beforeAll(async () => {
    fixture = await metricsTestDatabase(2);
    const { store, db } = fixture;
    await store.appendToStream(
      'organization-acme',
      [
        event(0, { type: 'OrganizationCreated', data: { organization_id: 'acme', name: 'Acme', time_zone: 'UTC' } }),
        event(0, { type: 'GroupSaved', data: { group_id: 'g-general', name: 'General', routing: 'auto' } }),
        event(10, { type: 'GroupSaved', data: { group_id: 'g-billing', name: 'Billing', routing: 'manual' } }),
        event(20, agent('ada', 'Ada Lovelace', { group_ids: ['g-billing', 'g-general'], role: 'supervisor' })),
        event(30, agent('bob', 'Bob Jones')),
        // Later changes replace the row: a display name, then Bob is disabled.
        event(
          40,
          agent('ada', 'Ada Lovelace', {
            display_name: 'Ada',
            group_ids: ['g-billing', 'g-general'],
            role: 'supervisor',
          }),
        ),
        event(50, agent('bob', 'Bob Jones', { disabled: true })),
      ],
      'no_stream',
      { organizationId: 'acme' },
    );
    // Another organization may use the same ids: its rows are its own.
    await store.appendToStream(
      'organization-globex',
      [
        event(0, {
          type: 'OrganizationCreated',
          data: { organization_id: 'globex', name: 'Globex', time_zone: 'UTC' },
        }),
        event(5, agent('bob', 'Bob Smith')),
      ],
      'no_stream',
      { organizationId: 'globex' },
    );
    const projector = new MetricsProjector();
    for (const recorded of await wholeLog(db)) {
      const [outcome] = await applyEventBatch(db, METRICS_CONSUMER, [recorded], (events, trx) =>
        projector.apply(events, trx),
      );
      expect(outcome).toBe('applied');
    }
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('keeps each agent and group as its last event recorded it, per organization', async () => {
    const agents = await fixture!.db
      .selectFrom('metrics.agents')
      .selectAll()
      .orderBy('organization_id')
      .orderBy('agent_id')
      .execute();
    expect(
      agents.map(({ updated_at, ...row }) => ({ ...row, updated_at: new Date(updated_at).toISOString() })),
    ).toEqual([
      {
        organization_id: 'acme',
        agent_id: 'ada',
        name: 'Ada Lovelace',
        display_name: 'Ada',
        role: 'supervisor',
        kind: 'human',
        group_ids: ['g-billing', 'g-general'],
        disabled: false,
        updated_at: new Date(t0 + 40_000).toISOString(),
      },
      {
        organization_id: 'acme',
        agent_id: 'bob',
        name: 'Bob Jones',
        display_name: null,
        role: 'agent',
        kind: 'human',
        group_ids: [],
        disabled: true,
        updated_at: new Date(t0 + 50_000).toISOString(),
      },
      {
        organization_id: 'globex',
        agent_id: 'bob',
        name: 'Bob Smith',
        display_name: null,
        role: 'agent',
        kind: 'human',
        group_ids: [],
        disabled: false,
        updated_at: new Date(t0 + 5_000).toISOString(),
      },
    ]);
    const groups = await fixture!.db
      .selectFrom('metrics.groups')
      .select(['organization_id', 'group_id', 'name', 'routing'])
      .orderBy('group_id')
      .execute();
    expect(groups).toEqual([
      { organization_id: 'acme', group_id: 'g-billing', name: 'Billing', routing: 'manual' },
      { organization_id: 'acme', group_id: 'g-general', name: 'General', routing: 'auto' },
    ]);
  });

  it('lets a login role of livedesk_bi read them, and nothing of the event store', async () => {
    const role = `bi_test_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    const database = (
      await fixture!.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('name')).executeTakeFirstOrThrow()
    ).name;
    const superuser = new pg.Client({
      connectionString: `${url.protocol}//${url.username}${url.password ? `:${url.password}` : ''}@${url.host}/${database}`,
    });
    await superuser.connect();
    await superuser.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE livedesk_bi`);
    const bi = new pg.Client({ host: url.hostname, port: Number(url.port || 5432), database, user: role, password });
    try {
      await bi.connect();
      const { rows } = await bi.query(
        `SELECT g.name AS group_name, count(*)::int AS agents
           FROM metrics.agents a CROSS JOIN LATERAL unnest(a.group_ids) AS member(group_id)
           JOIN metrics.groups g ON g.organization_id = a.organization_id AND g.group_id = member.group_id
          GROUP BY g.name ORDER BY g.name`,
      );
      expect(rows).toEqual([
        { group_name: 'Billing', agents: 1 },
        { group_name: 'General', agents: 1 },
      ]);
      await expect(bi.query('SELECT count(*) FROM event_store.events')).rejects.toThrow(/permission denied/);
      await expect(bi.query("INSERT INTO metrics.groups VALUES ('x', 'y', 'z', 'auto', now())")).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await bi.end().catch(() => undefined);
      await superuser.query(`DROP ROLE ${role}`);
      await superuser.end();
    }
  });
});
