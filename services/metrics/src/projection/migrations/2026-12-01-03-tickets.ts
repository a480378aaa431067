import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.

type Column = [name: string, type: string, comment: string];

const pair = (name: string, what: string): Column[] => [
  [`${name}_seconds`, 'double precision', `${what}, in calendar seconds.`],
  [
    `${name}_business_seconds`,
    'double precision',
    `${what}, in seconds inside the business calendar of the ticket's SLA policy.`,
  ],
];

/** One row per ticket (ticketing's ticket-<id> streams): its source and the times to first reply and to solve, like the chat figures. */
const columns: Column[] = [
  ['organization_id', 'text NOT NULL', 'Organization the ticket belongs to.'],
  ['ticket_id', 'text NOT NULL', 'Ticket id (its event stream is ticket-<ticket_id>).'],
  ['source', 'text NOT NULL', 'Where it came from: chat, missed_chat, offline_message, email or api.'],
  ['conversation_id', 'text', 'The chat it came from, if any.'],
  ['group_id', 'text', 'Group the ticket is assigned to now (TicketCreated, then TicketAssigned); null if none.'],
  ['agent_id', 'text', 'Agent the ticket is assigned to now; null if none.'],
  ['priority', 'text NOT NULL', 'Priority now: low, normal, high or urgent.'],
  ['status', 'text NOT NULL', 'Status now: open, pending, solved or spam.'],
  [
    'policy_id',
    'text NOT NULL',
    "SLA policy whose business calendar counts the ticket's business seconds (matched as the asynchronous messaging channel).",
  ],
  ['created_at', 'timestamptz NOT NULL', 'TicketCreated.'],
  [
    'first_reply_at',
    'timestamptz',
    'First public reply of a human agent (TicketReplied by an agent account); null if none yet.',
  ],
  ['first_reply_agent_id', 'text', 'Agent of that first reply.'],
  ...pair('first_reply', 'Time to first reply: from created_at to first_reply_at; null without an agent reply'),
  ['first_solved_at', 'timestamptz', 'First change to solved; null if never solved.'],
  ...pair('first_solve', 'Time to first solve: from created_at to first_solved_at'),
  [
    'solved_at',
    'timestamptz',
    'Last change to solved, if the ticket is solved now (a requester reply reopens it: null until solved again).',
  ],
  ...pair('solve', 'Time to solve (full): from created_at to solved_at; null unless solved now'),
  ['reopened', 'integer NOT NULL', 'Times the ticket left solved (reopened by a requester reply or by hand).'],
  ['agent_replies', 'integer NOT NULL', 'Public replies by agents.'],
  ['requester_replies', 'integer NOT NULL', 'Public replies by the requester.'],
  ['spam', 'boolean NOT NULL', 'The ticket was marked spam (reports leave it out).'],
  ['stream_version', 'integer NOT NULL', 'Version of the last ticket event this row reflects.'],
];

export async function up(db: Kysely<any>): Promise<void> {
  const body = [...columns.map(([name, type]) => `${name} ${type}`), 'PRIMARY KEY (ticket_id)'].join(',\n  ');
  await sql.raw(`CREATE TABLE metrics.tickets (\n  ${body}\n)`).execute(db);
  await sql
    .raw(
      `COMMENT ON TABLE metrics.tickets IS 'One row per ticket: source, status, and the times to first reply and to solve in calendar and business seconds (like the chat figures of docs/metrics.md).'`,
    )
    .execute(db);
  for (const [name, , comment] of columns) {
    await sql.raw(`COMMENT ON COLUMN metrics.tickets.${name} IS '${comment.replaceAll("'", "''")}'`).execute(db);
  }
  await sql`CREATE INDEX tickets_by_creation ON metrics.tickets (organization_id, created_at)`.execute(db);
  await sql`CREATE INDEX tickets_by_conversation ON metrics.tickets (organization_id, conversation_id) WHERE conversation_id IS NOT NULL`.execute(
    db,
  );
  await sql`GRANT SELECT ON metrics.tickets TO livedesk_bi`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE metrics.tickets`.execute(db);
}
