import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.

/** Each column and its comment, in table order (docs/metrics.md, "Conversation figures"). */
const columns: ReadonlyArray<[name: string, type: string, comment: string]> = [
  ['organization_id', 'text NOT NULL', 'Organization that owns the conversation.'],
  ['conversation_id', 'text NOT NULL', 'Conversation id (its event stream is conversation-<conversation_id>).'],
  ['cycle', 'integer NOT NULL', 'Cycle number: 1 from ConversationStarted, +1 at each ConversationReopened.'],
  ['channel', 'text', 'Channel of the conversation (chat or messaging), from ConversationStarted.'],
  ['group_id', 'text', 'Group the conversation started in, from ConversationStarted (transfers do not change it).'],
  [
    'started_at',
    'timestamptz NOT NULL',
    'Start of the cycle: ConversationStarted for cycle 1, ConversationReopened after.',
  ],
  [
    'ended_at',
    'timestamptz',
    'End of the cycle: ConversationResolved, ConversationMissed or the customer closing; null while open.',
  ],
  ['end_reason', 'text', 'How the cycle ended: resolved, missed or closed; null while open.'],
  [
    'queued_at',
    'timestamptz',
    'ConversationQueued that starts queue time (after a bot, the queueing that hands over to humans); null if never queued.',
  ],
  ['first_human_assigned_at', 'timestamptz', 'First AgentAssigned of a human agent in the cycle; null if none.'],
  ['bot_handoff_at', 'timestamptz', 'First human assignment after a bot held the cycle; null without a bot handoff.'],
  [
    'clock_start_at',
    'timestamptz',
    'Clock start: first customer message of the cycle, or the bot handoff if later; null if the customer never wrote.',
  ],
  ['first_response_at', 'timestamptz', 'First human reply after the clock start; null if none.'],
  [
    'first_response_agent_id',
    'text',
    'Agent who sent the first human reply (FRT is attributed to them); null if none.',
  ],
  [
    'queue_seconds',
    'double precision',
    'Calendar seconds from queued_at to first_human_assigned_at; null when the cycle ended unassigned.',
  ],
  [
    'queue_business_seconds',
    'double precision',
    'queue_seconds counted inside the business calendar only; null like queue_seconds.',
  ],
  [
    'first_response_seconds',
    'double precision',
    'FRT: calendar seconds from clock_start_at to first_response_at; not reset by a transfer; null without a human reply.',
  ],
  [
    'first_response_business_seconds',
    'double precision',
    'first_response_seconds counted inside the business calendar only.',
  ],
  [
    'longest_wait_seconds',
    'double precision',
    'Calendar seconds of the longest answered exchange (customer message to next human reply); null without a human reply.',
  ],
  [
    'longest_wait_business_seconds',
    'double precision',
    'longest_wait_seconds counted inside the business calendar only.',
  ],
  [
    'resolution_seconds',
    'double precision',
    'Calendar seconds from started_at to ConversationResolved; null unless the cycle was resolved.',
  ],
  ['resolution_business_seconds', 'double precision', 'resolution_seconds counted inside the business calendar only.'],
  [
    'handle_seconds',
    'double precision',
    'Handle time (AHT): calendar seconds from first_human_assigned_at to ended_at; null if unassigned or open.',
  ],
  ['handle_business_seconds', 'double precision', 'handle_seconds counted inside the business calendar only.'],
  ['missed', 'boolean NOT NULL', 'True when the cycle ended with no human reply.'],
  ['missed_reason', 'text', 'left_in_queue, unanswered or no_agents when missed; null otherwise.'],
  ['transfers_manual', 'integer NOT NULL', 'ConversationTransferred with reason manual in the cycle.'],
  [
    'transfers_auto',
    'integer NOT NULL',
    'ConversationTransferred with reason auto (agent did not answer in time) in the cycle.',
  ],
  ['csat_score', 'smallint', 'Customer rating 1-5 given in the cycle (thumbs up = 5, down = 1); null if not rated.'],
  [
    'assigned_agent_ids',
    "text[] NOT NULL DEFAULT '{}'",
    'Human agents assigned during the cycle, in order of first assignment.',
  ],
  ['stream_version', 'integer NOT NULL', 'Version of the last conversation event this row reflects.'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS metrics`.execute(db);
  const definitions = columns.map(([name, type]) => `${name} ${type}`).join(',\n      ');
  await sql
    .raw(
      `CREATE TABLE metrics.conversation_cycles (
      ${definitions},
      PRIMARY KEY (conversation_id, cycle),
      CHECK (end_reason IN ('resolved', 'missed', 'closed')),
      CHECK (missed_reason IN ('left_in_queue', 'unanswered', 'no_agents'))
    )`,
    )
    .execute(db);
  await sql`COMMENT ON TABLE metrics.conversation_cycles IS
    'One row per conversation cycle with its figures (docs/metrics.md), durations in calendar and business seconds; rebuilt from the event store gives the same rows.'`.execute(
    db,
  );
  for (const [name, , comment] of columns) {
    await sql
      .raw(`COMMENT ON COLUMN metrics.conversation_cycles.${name} IS '${comment.replaceAll("'", "''")}'`)
      .execute(db);
  }
  await sql`CREATE INDEX conversation_cycles_by_start ON metrics.conversation_cycles (organization_id, started_at)`.execute(
    db,
  );
  await sql`CREATE INDEX conversation_cycles_by_group ON metrics.conversation_cycles (organization_id, group_id, started_at)`.execute(
    db,
  );
  await sql`CREATE INDEX conversation_cycles_by_first_responder ON metrics.conversation_cycles (first_response_agent_id, started_at)
    WHERE first_response_agent_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE metrics.conversation_cycles`.execute(db);
}
