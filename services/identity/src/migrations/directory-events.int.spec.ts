import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createDatabase, migrateEventStore, migrateSchema } from '@livedesk/event-store';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { migrateDirectory } from '../migrate-directory.js';
import * as directory20261124 from './2026-11-24-01-directory.js';
import * as cannedResponses20261124 from './2026-11-24-02-canned-responses.js';
import * as agentDisabled20261205 from './2026-12-05-01-agent-disabled.js';
import * as allowedOrigins20261205 from './2026-12-05-02-allowed-origins.js';
import * as widgetProfile20261205 from './2026-12-05-03-widget-profile.js';

// An installation upgraded from before GroupSaved/AgentSaved: its groups and agents are
// announced once by the migration, so that the metrics copies (metrics.groups, metrics.agents)
// are complete without anyone touching them.
describe('migration 2026-12-05-10-directory-events', () => {
  let database: TestDatabase;
  let db: Kysely<any>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url, { max: 2, applicationName: 'directory-events-migration-test' });
    await migrateEventStore(db);
    await migrateSchema(db, {
      name: 'directory',
      migrations: {
        '2026-11-24-01-directory': directory20261124,
        '2026-11-24-02-canned-responses': cannedResponses20261124,
        '2026-12-05-01-agent-disabled': agentDisabled20261205,
        '2026-12-05-02-allowed-origins': allowedOrigins20261205,
        '2026-12-05-03-widget-profile': widgetProfile20261205,
      },
    });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('appends GroupSaved and AgentSaved for what exists, after what the stream holds, once', async () => {
    await db.transaction().execute(async (trx) => {
      await sql`SET CONSTRAINTS ALL DEFERRED`.execute(trx);
      await sql`INSERT INTO directory.organizations (id, name, time_zone, identity_secret, default_group_id) VALUES ('o1', 'Old shop', 'UTC', 's', 'g1')`.execute(
        trx,
      );
      await sql`INSERT INTO directory.groups (id, organization_id, name, routing) VALUES ('g1', 'o1', 'General', 'auto'), ('g2', 'o1', 'Sales', 'manual')`.execute(
        trx,
      );
    });
    await sql`INSERT INTO directory.agents (id, organization_id, email, name, role, password_hash, api_key_id, api_key_hash, disabled_at)
              VALUES ('a1', 'o1', 'a1@example.com', 'Ann', 'agent', 'h', 'k1', 'kh', NULL),
                     ('a2', 'o1', 'a2@example.com', 'Ben', 'admin', 'h', 'k2', 'kh', now())`.execute(db);
    await sql`INSERT INTO directory.agent_groups (organization_id, agent_id, group_id) VALUES ('o1', 'a1', 'g2'), ('o1', 'a1', 'g1')`.execute(
      db,
    );
    // The organization's stream exists already (OrganizationCreated).
    await sql`SELECT event_store.append_to_stream('organization-o1', 'o1', 0, ${JSON.stringify([
      {
        event_id: '00000000-0000-4000-8000-000000000001',
        type: 'OrganizationCreated',
        schema_version: 1,
        data: { organization_id: 'o1', name: 'Old shop', time_zone: 'UTC' },
        metadata: {},
        occurred_at: new Date().toISOString(),
      },
    ])}::jsonb)`.execute(db);

    await migrateDirectory(db);
    await migrateDirectory(db);

    const { rows } = await sql<{ stream_version: string; type: string; data: Record<string, unknown> }>`
      SELECT stream_version, type, data FROM event_store.events WHERE stream_id = 'organization-o1' ORDER BY stream_version`.execute(
      db,
    );
    expect(rows.map((row) => [Number(row.stream_version), row.type])).toEqual([
      [1, 'OrganizationCreated'],
      [2, 'GroupSaved'],
      [3, 'GroupSaved'],
      [4, 'AgentSaved'],
      [5, 'AgentSaved'],
    ]);
    expect(rows.slice(1).map((row) => row.data)).toEqual([
      { group_id: 'g1', name: 'General', routing: 'auto' },
      { group_id: 'g2', name: 'Sales', routing: 'manual' },
      {
        agent_id: 'a1',
        name: 'Ann',
        display_name: null,
        role: 'agent',
        kind: 'human',
        group_ids: ['g1', 'g2'],
        disabled: false,
      },
      { agent_id: 'a2', name: 'Ben', display_name: null, role: 'admin', kind: 'human', group_ids: [], disabled: true },
    ]);
  });
});
