import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
//
// The names BI tools join the figures with, kept from the organizations' GroupSaved and
// AgentSaved events, so that a BI role needs no access to the identity service's directory
// (which holds emails, password hashes and keys). Projections like every metrics table: the
// projector rebuilds them from the event store.

type Column = [name: string, type: string, comment: string];

const tables: { name: string; comment: string; columns: Column[]; key: string }[] = [
  {
    name: 'agents',
    comment:
      'The agents of each organization as their last AgentSaved recorded them: names, role, groups; no email or credentials.',
    key: 'organization_id, agent_id',
    columns: [
      ['organization_id', 'text NOT NULL', 'Organization the agent belongs to.'],
      ['agent_id', 'text NOT NULL', 'Agent id, as in agent_id columns of the other tables.'],
      ['name', 'text NOT NULL', 'The name the team knows the agent by.'],
      ['display_name', 'text', 'The name customers see (null: name).'],
      ['role', 'text NOT NULL', 'agent, supervisor or admin.'],
      ['kind', 'text NOT NULL', 'human or bot.'],
      ['group_ids', 'text[] NOT NULL', 'Groups the agent belongs to.'],
      ['disabled', 'boolean NOT NULL', 'The agent is disabled (cannot log in); its history stays.'],
      ['updated_at', 'timestamptz NOT NULL', 'When the agent was last changed (the event time).'],
    ],
  },
  {
    name: 'groups',
    comment: 'The groups of each organization as their last GroupSaved recorded them.',
    key: 'organization_id, group_id',
    columns: [
      ['organization_id', 'text NOT NULL', 'Organization the group belongs to.'],
      ['group_id', 'text NOT NULL', 'Group id, as in group_id columns of the other tables.'],
      ['name', 'text NOT NULL', 'Name of the group.'],
      ['routing', 'text NOT NULL', 'auto (routing assigns chats) or manual (agents take them).'],
      ['updated_at', 'timestamptz NOT NULL', 'When the group was last changed (the event time).'],
    ],
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of tables) {
    const body = [...table.columns.map(([name, type]) => `${name} ${type}`), `PRIMARY KEY (${table.key})`].join(
      ',\n  ',
    );
    await sql.raw(`CREATE TABLE metrics.${table.name} (\n  ${body}\n)`).execute(db);
    await sql.raw(`COMMENT ON TABLE metrics.${table.name} IS '${quote(table.comment)}'`).execute(db);
    for (const [name, , comment] of table.columns) {
      await sql.raw(`COMMENT ON COLUMN metrics.${table.name}.${name} IS '${quote(comment)}'`).execute(db);
    }
    await sql.raw(`GRANT SELECT ON metrics.${table.name} TO livedesk_bi`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...tables].reverse()) await sql.raw(`DROP TABLE metrics.${table.name}`).execute(db);
}

function quote(text: string): string {
  return text.replaceAll("'", "''");
}
