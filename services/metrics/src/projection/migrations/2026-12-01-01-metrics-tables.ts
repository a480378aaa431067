import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
//
// The tables of docs/metrics.md ("Tables for BI tools") and the projector's own bookkeeping. The
// first metrics migration's conversation_cycles is dropped and made anew: every table here is a
// projection of the event store, and the projector rebuilds them all when it finds them empty
// of history (projection_control.projection_version), so no figure is lost by dropping one.

type Column = [name: string, type: string, comment: string];

interface Table {
  name: string;
  comment: string;
  columns: Column[];
  /** PRIMARY KEY, CHECKs … */
  constraints: string[];
  indexes?: string[];
}

const org: Column = ['organization_id', 'text NOT NULL', 'Organization the row belongs to.'];
const conversation: Column = [
  'conversation_id',
  'text NOT NULL',
  'Conversation id (its event stream is conversation-<conversation_id>).',
];
const cycle: Column = [
  'cycle',
  'integer NOT NULL',
  'Cycle number: 1 from ConversationStarted, +1 at each ConversationReopened.',
];
const channel: Column = ['channel', 'text NOT NULL', 'Channel of the conversation: chat or messaging.'];
const group: Column = [
  'group_id',
  'text NOT NULL',
  'Group of the cycle: where the conversation started, or was last queued or transferred to.',
];
const priority: Column = [
  'priority',
  'text NOT NULL',
  'Priority of the cycle (low, normal, high, urgent; normal until PrioritySet).',
];
const pair = (name: string, what: string): Column[] => [
  [`${name}_seconds`, 'double precision', `${what}, in calendar seconds.`],
  [
    `${name}_business_seconds`,
    'double precision',
    `${what}, in seconds inside the business calendar of the cycle's SLA policy (equal to calendar seconds for a 24/7 policy).`,
  ],
];

const tables: Table[] = [
  {
    name: 'organizations',
    comment: 'Organizations as OrganizationCreated recorded them: the time zone per-day figures and reports use.',
    columns: [
      org,
      ['name', 'text NOT NULL', 'Name of the organization.'],
      ['time_zone', 'text NOT NULL', 'IANA time zone of the organization: agent_daily days are local days in it.'],
    ],
    constraints: ['PRIMARY KEY (organization_id)'],
  },
  {
    name: 'conversation_cycles',
    comment:
      'One row per conversation cycle with its figures (docs/metrics.md, Conversation figures); every duration in calendar and business seconds side by side. Rebuilt from the event store it gives the same rows.',
    columns: [
      org,
      conversation,
      cycle,
      channel,
      group,
      priority,
      ['customer_id', 'text NOT NULL', 'The customer of the conversation.'],
      [
        'policy_id',
        'text NOT NULL',
        'SLA policy that applies to the cycle (its business calendar counts the business seconds); default = the built-in defaults of docs/metrics.md.',
      ],
      [
        'policy_version',
        'integer NOT NULL',
        'Version of the policy stream (slapolicy-<organization_id>:<policy_id>) whose definition applies; 0 for the default.',
      ],
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
      [
        'bot_handoff_at',
        'timestamptz',
        'First human assignment after a bot held the cycle; null without a bot handoff.',
      ],
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
        'last_agent_id',
        'text',
        'Last human agent assigned in the cycle (ratings and handle time are attributed to them); null if none.',
      ],
      ...pair('queue', 'Queue time: from queued_at to first_human_assigned_at; null when the cycle ended unassigned'),
      ...pair(
        'first_response',
        'FRT: from clock_start_at to first_response_at, not reset by a transfer; null without a human reply',
      ),
      [
        'exchanges_answered',
        'integer NOT NULL',
        'Exchanges of the cycle that a human reply ended (rows of metrics.responses with replied_at).',
      ],
      ...pair(
        'longest_wait',
        'Longest answered exchange of the cycle (customer message to next human reply); null without a human reply',
      ),
      ...pair(
        'resolution',
        'Resolution time: from started_at to ConversationResolved (cycle 1: first resolution; last cycle: full resolution); null unless resolved',
      ),
      ...pair('handle', 'Handle time (AHT): from first_human_assigned_at to ended_at; null if unassigned or open'),
      ['missed', 'boolean NOT NULL', 'True when the cycle ended with no human reply.'],
      ['missed_reason', 'text', 'left_in_queue, unanswered or no_agents when missed; null otherwise.'],
      ['transfers_manual', 'integer NOT NULL', 'ConversationTransferred with reason manual in the cycle.'],
      [
        'transfers_auto',
        'integer NOT NULL',
        'ConversationTransferred with reason auto (the agent did not answer in time) in the cycle.',
      ],
      [
        'csat_score',
        'smallint',
        'Customer rating 1-5 of the cycle, the last one given (thumbs up = 5, down = 1); null if not rated.',
      ],
      [
        'nps_score',
        'smallint',
        'Answer 0-10 to the recommend question in the cycle, the last one given; null if not answered.',
      ],
      ['converted', 'boolean NOT NULL', 'A goal (purchase, signup …) was reported in the cycle (GoalReported).'],
      ['converted_at', 'timestamptz', 'First GoalReported of the cycle; null if none.'],
      ['goals', "text[] NOT NULL DEFAULT '{}'", 'Goals reported in the cycle, each once, in order.'],
      [
        'goal_value',
        'double precision NOT NULL',
        'Sum of the values of the goals reported in the cycle (0 without values).',
      ],
      [
        'assigned_agent_ids',
        "text[] NOT NULL DEFAULT '{}'",
        'Human agents assigned during the cycle, in order of first assignment.',
      ],
      ['stream_version', 'integer NOT NULL', 'Version of the last conversation event that changed this row.'],
    ],
    constraints: [
      'PRIMARY KEY (conversation_id, cycle)',
      "CHECK (end_reason IN ('resolved', 'missed', 'closed'))",
      "CHECK (missed_reason IN ('left_in_queue', 'unanswered', 'no_agents'))",
    ],
    indexes: [
      'CREATE INDEX conversation_cycles_by_start ON metrics.conversation_cycles (organization_id, started_at)',
      'CREATE INDEX conversation_cycles_by_group ON metrics.conversation_cycles (organization_id, group_id, started_at)',
      'CREATE INDEX conversation_cycles_by_first_responder ON metrics.conversation_cycles (organization_id, first_response_agent_id, first_response_at) WHERE first_response_agent_id IS NOT NULL',
      'CREATE INDEX conversation_cycles_by_last_agent ON metrics.conversation_cycles (organization_id, last_agent_id, ended_at) WHERE last_agent_id IS NOT NULL',
      'CREATE INDEX conversation_cycles_open ON metrics.conversation_cycles (organization_id, group_id) WHERE ended_at IS NULL',
      'CREATE INDEX conversation_cycles_by_end ON metrics.conversation_cycles (organization_id, ended_at) WHERE ended_at IS NOT NULL',
    ],
  },
  {
    name: 'responses',
    comment:
      'One row per exchange (docs/metrics.md, response_seconds): from the first customer message after the last human reply (or the clock start) to the next human reply. Exchange 1 is the first response (FRT).',
    columns: [
      org,
      conversation,
      cycle,
      ['exchange', 'integer NOT NULL', 'Number of the exchange in the cycle, from 1 (the first response).'],
      channel,
      group,
      ['agent_id', 'text', 'Agent whose reply ended the exchange; null if unanswered.'],
      ['started_at', 'timestamptz NOT NULL', 'Customer message (or clock start) that began the exchange.'],
      ['replied_at', 'timestamptz', 'Human reply that ended it; null when the cycle ended unanswered.'],
      ...pair('response', 'Response time of the exchange; null if unanswered'),
    ],
    constraints: ['PRIMARY KEY (conversation_id, cycle, exchange)'],
    indexes: [
      'CREATE INDEX responses_by_reply ON metrics.responses (organization_id, replied_at)',
      'CREATE INDEX responses_by_agent ON metrics.responses (organization_id, agent_id, replied_at) WHERE agent_id IS NOT NULL',
    ],
  },
  {
    name: 'agent_assignments',
    comment:
      'One row per time an agent (human or bot) held a conversation: from AgentAssigned to the transfer, reassignment, requeue or end that released it. Chatting time and concurrency come from these.',
    columns: [
      org,
      ['agent_id', 'text NOT NULL', 'The agent.'],
      ['agent_kind', 'text NOT NULL', 'human or bot.'],
      conversation,
      cycle,
      ['seq', 'integer NOT NULL', 'Order of the assignment in the cycle, from 1.'],
      group,
      ['assigned_at', 'timestamptz NOT NULL', 'AgentAssigned.'],
      ['released_at', 'timestamptz', 'When the agent stopped holding the conversation; null while they hold it.'],
      [
        'assigned_via',
        'text NOT NULL',
        'routing, agent (joined by hand), supervisor, or transfer (handed over by another agent).',
      ],
      ['released_by', 'text', 'transfer, reassigned, requeued, resolved, closed or missed; null while held.'],
    ],
    constraints: ['PRIMARY KEY (conversation_id, cycle, seq)'],
    indexes: [
      'CREATE INDEX agent_assignments_by_agent ON metrics.agent_assignments (organization_id, agent_id, assigned_at)',
      'CREATE INDEX agent_assignments_released ON metrics.agent_assignments (organization_id, agent_id, released_at) WHERE released_at IS NOT NULL',
    ],
  },
  {
    name: 'agent_status_intervals',
    comment:
      'One row per stretch of time an agent spent in one routing status (accepting, not_accepting, offline), from the AgentStatusChanged events of the agent stream.',
    columns: [
      org,
      ['agent_id', 'text NOT NULL', 'The agent.'],
      ['status', 'text NOT NULL', 'accepting, not_accepting or offline.'],
      ['started_at', 'timestamptz NOT NULL', 'AgentStatusChanged that entered the status.'],
      ['ended_at', 'timestamptz', 'The next AgentStatusChanged; null while the agent is still in the status.'],
      ['seconds', 'double precision', 'Length of the interval in calendar seconds; null while open.'],
      ['reason', 'text NOT NULL', 'Who changed the status: agent, presence, supervisor or system.'],
      ['stream_version', 'integer NOT NULL', 'Version of the agent stream event that started the interval.'],
    ],
    constraints: [
      'PRIMARY KEY (agent_id, stream_version)',
      "CHECK (status IN ('accepting', 'not_accepting', 'offline'))",
    ],
    indexes: [
      'CREATE INDEX agent_status_intervals_by_time ON metrics.agent_status_intervals (organization_id, agent_id, started_at)',
    ],
  },
  {
    name: 'sla_outcomes',
    comment:
      'One row per conversation cycle and SLA target (docs/metrics.md, SLA): hit, missed or pending, the due time and, when missed, the breach and by how much. next_response has one row per cycle: its first breached exchange, else the one waiting, else the last one met.',
    columns: [
      org,
      conversation,
      cycle,
      ['target', 'text NOT NULL', 'queue, first_response, next_response or resolution.'],
      [
        'exchange',
        'integer NOT NULL',
        'For next_response, the exchange (responses.exchange) the row is about; 0 otherwise.',
      ],
      channel,
      group,
      priority,
      ['policy_id', 'text NOT NULL', 'SLA policy of the cycle (default = the built-in defaults).'],
      ['policy_version', 'integer NOT NULL', 'Version of the policy definition that applied.'],
      ['target_seconds', 'integer NOT NULL', 'The target, in seconds (business seconds when business is true).'],
      ['business', 'boolean NOT NULL', 'The target counts business time only (the policy has a business calendar).'],
      ['status', 'text NOT NULL', 'hit (met by the due time), missed, or pending (still running).'],
      [
        'agent_id',
        'text',
        'Human agent holding the conversation when the target was met, breached or ended; null if none.',
      ],
      [
        'started_at',
        'timestamptz NOT NULL',
        "When the target's clock started: queued_at, clock start, the exchange's customer message, or the cycle's start.",
      ],
      ['due_at', 'timestamptz NOT NULL', "When the target's time runs out."],
      ['warn_at', 'timestamptz NOT NULL', '80 % of the target: when sla_warning is due.'],
      ['completed_at', 'timestamptz', 'When the target was met (assignment, reply, resolution); null if not.'],
      ['breached_at', 'timestamptz', 'When missed: the due time.'],
      ...pair(
        'elapsed',
        'From started_at to completion, or to the end of the cycle; null while pending or missed and open',
      ),
      ...pair(
        'breach',
        'By how much the target was missed: from the due time to completion or to the end of the cycle; null unless missed and finished',
      ),
      ['warning_notified_at', 'timestamptz', 'When sla_warning was sent live (SlaWarningIssued); null if not.'],
      ['breach_notified_at', 'timestamptz', 'When sla_breached was sent live (SlaBreached); null if not.'],
    ],
    constraints: [
      'PRIMARY KEY (conversation_id, cycle, target)',
      "CHECK (target IN ('queue', 'first_response', 'next_response', 'resolution'))",
      "CHECK (status IN ('hit', 'missed', 'pending'))",
    ],
    indexes: [
      'CREATE INDEX sla_outcomes_by_start ON metrics.sla_outcomes (organization_id, started_at)',
      "CREATE INDEX sla_outcomes_missed ON metrics.sla_outcomes (organization_id, breached_at) WHERE status = 'missed'",
      "CREATE INDEX sla_outcomes_missed_by_agent ON metrics.sla_outcomes (organization_id, agent_id, breached_at) WHERE status = 'missed'",
    ],
  },
  {
    name: 'ratings',
    comment:
      'One row per conversation cycle and kind of feedback: the CSAT rating (1-5) and the NPS answer (0-10), the last one given in the cycle.',
    columns: [
      org,
      conversation,
      cycle,
      ['kind', 'text NOT NULL', 'csat (ConversationRated, 1-5) or nps (NpsAnswered, 0-10).'],
      channel,
      group,
      ['agent_id', 'text', 'Last human agent of the cycle, whom the rating is about; null if none.'],
      ['score', 'smallint NOT NULL', 'The score.'],
      ['comment', 'text', "The customer's comment; null if none."],
      ['rated_at', 'timestamptz NOT NULL', 'When it was given.'],
    ],
    constraints: ['PRIMARY KEY (conversation_id, cycle, kind)', "CHECK (kind IN ('csat', 'nps'))"],
    indexes: [
      'CREATE INDEX ratings_by_time ON metrics.ratings (organization_id, rated_at)',
      'CREATE INDEX ratings_by_agent ON metrics.ratings (organization_id, agent_id, rated_at)',
    ],
  },
  {
    name: 'agent_daily',
    comment:
      "One row per agent and local day (the organization's time zone): time per routing status, chatting and idle time, concurrency, and the agent's chat figures, for the daily summary. Only finished status intervals and assignments count; the reports API adds the ones still running.",
    columns: [
      org,
      ['agent_id', 'text NOT NULL', 'The agent.'],
      ['day', 'date NOT NULL', "Local date in the organization's time zone."],
      ['time_zone', 'text NOT NULL', 'The time zone the day is in.'],
      ['accepting_seconds', 'double precision NOT NULL', 'Seconds accepting chats that day.'],
      ['not_accepting_seconds', 'double precision NOT NULL', 'Seconds logged in but not accepting chats.'],
      [
        'offline_seconds',
        'double precision NOT NULL',
        'Seconds offline, between the first and last status change known for the agent.',
      ],
      [
        'chatting_seconds',
        'double precision NOT NULL',
        'Chatting time: not offline, with at least one conversation assigned.',
      ],
      ['idle_seconds', 'double precision NOT NULL', 'Idle time: accepting with no conversation assigned.'],
      [
        'average_concurrency',
        'double precision',
        'Conversations assigned on average while chatting; null without chatting time.',
      ],
      ['chats_handled', 'integer NOT NULL', 'Assignments of a conversation to the agent that started that day.'],
      ['first_responses', 'integer NOT NULL', 'Cycles whose first human reply the agent sent that day.'],
      ...pair(
        'first_response_sum',
        'Sum of those first response times (divide by first_responses for the average)',
      ).map(([name, type, comment]): Column => [name, `${type} NOT NULL`, comment]),
      ['responses', 'integer NOT NULL', 'Exchanges the agent answered that day.'],
      ...pair('response_sum', 'Sum of those response times').map(
        ([name, type, comment]): Column => [name, `${type} NOT NULL`, comment],
      ),
      ['handled_to_end', 'integer NOT NULL', 'Cycles that ended that day with the agent as their last human agent.'],
      ...pair('handle_sum', 'Sum of the handle times of those cycles').map(
        ([name, type, comment]): Column => [name, `${type} NOT NULL`, comment],
      ),
      ['csat_ratings', 'integer NOT NULL', 'CSAT ratings about the agent given that day.'],
      ['csat_good', 'integer NOT NULL', 'Of those, ratings of 4 or 5.'],
      ['csat_sum', 'integer NOT NULL', 'Sum of those scores.'],
      ['transfers_in', 'integer NOT NULL', 'Conversations handed to the agent by a transfer that day.'],
      [
        'transfers_out',
        'integer NOT NULL',
        'Conversations the agent lost to a transfer that day (manual or automatic).',
      ],
      [
        'missed_assigned',
        'integer NOT NULL',
        'Cycles that ended missed (no human reply) that day while the agent held them.',
      ],
      [
        'sla_missed',
        'integer NOT NULL',
        'SLA targets missed that day (breached_at) with the agent holding the conversation.',
      ],
    ],
    constraints: ['PRIMARY KEY (organization_id, agent_id, day)'],
    indexes: ['CREATE INDEX agent_daily_by_day ON metrics.agent_daily (organization_id, day)'],
  },
  {
    name: 'group_hourly',
    comment:
      'One row per group and hour (UTC, of the cycle start) with the counts and sums dashboards chart; averages are sum / count.',
    columns: [
      org,
      ['group_id', 'text NOT NULL', 'The group.'],
      ['hour', 'timestamptz NOT NULL', 'Start of the hour (UTC) the cycles started in.'],
      ['cycles_started', 'integer NOT NULL', 'Cycles started (a reopen starts one).'],
      ['with_human_reply', 'integer NOT NULL', 'Of those, cycles with a human reply.'],
      ['resolved', 'integer NOT NULL', 'Of those, cycles resolved.'],
      ['still_open', 'integer NOT NULL', 'Of those, cycles not ended yet.'],
      ['missed_left_in_queue', 'integer NOT NULL', 'Of those, missed: the customer left while queued.'],
      ['missed_unanswered', 'integer NOT NULL', 'Of those, missed: assigned but never answered.'],
      ['missed_no_agents', 'integer NOT NULL', 'Of those, missed: no agent could take it.'],
      ['queued', 'integer NOT NULL', 'Cycles assigned to a human after queueing (queue time known).'],
      ...pair('queue_sum', 'Sum of their queue times').map(
        ([name, type, comment]): Column => [name, `${type} NOT NULL`, comment],
      ),
      ...pair('first_response_sum', 'Sum of the first response times of the cycles with a human reply').map(
        ([name, type, comment]): Column => [name, `${type} NOT NULL`, comment],
      ),
      ['handled', 'integer NOT NULL', 'Cycles ended with a handle time.'],
      ...pair('handle_sum', 'Sum of their handle times').map(
        ([name, type, comment]): Column => [name, `${type} NOT NULL`, comment],
      ),
      ...pair('resolution_sum', 'Sum of the resolution times of the resolved cycles').map(
        ([name, type, comment]): Column => [name, `${type} NOT NULL`, comment],
      ),
      ['csat_ratings', 'integer NOT NULL', 'Cycles rated (CSAT).'],
      ['csat_good', 'integer NOT NULL', 'Of those, rated 4 or 5.'],
      ['nps_answers', 'integer NOT NULL', 'Cycles with an NPS answer.'],
      ['nps_promoters', 'integer NOT NULL', 'Of those, answers of 9 or 10.'],
      ['nps_detractors', 'integer NOT NULL', 'Of those, answers of 0 to 6.'],
      ['converted', 'integer NOT NULL', 'Cycles with a goal reported.'],
      ['sla_hit', 'integer NOT NULL', 'SLA targets of these cycles met.'],
      ['sla_missed', 'integer NOT NULL', 'SLA targets of these cycles missed.'],
    ],
    constraints: ['PRIMARY KEY (organization_id, group_id, hour)'],
    indexes: ['CREATE INDEX group_hourly_by_hour ON metrics.group_hourly (organization_id, hour)'],
  },
  {
    name: 'sla_policies',
    comment:
      'Every definition ever stored of every SLA policy (events of the slapolicy-<organization_id>:<policy_id> streams); the one that applies to a cycle is the last written among those effective at its start.',
    columns: [
      org,
      ['policy_id', 'text NOT NULL', 'The policy, named by the organization.'],
      ['version', 'integer NOT NULL', 'Version of the policy stream event.'],
      ['effective_from', 'timestamptz NOT NULL', 'Cycles starting from this instant are judged by this definition.'],
      ['removed', 'boolean NOT NULL', 'The policy was removed from effective_from on (SlaPolicyRemoved).'],
      ['name', 'text', 'Name of the policy; null when removed.'],
      ['position', 'integer', 'Order in which policies are tried, lowest first; null when removed.'],
      ['match', 'jsonb', 'Conditions: group_ids, channels, priorities (absent or empty = any); null when removed.'],
      [
        'targets',
        'jsonb',
        'queue_seconds, first_response_seconds, next_response_seconds, resolution_seconds; null when removed.',
      ],
      ['calendar', 'jsonb', 'Business calendar (time_zone, weekly, holidays); null for 24/7 or when removed.'],
      ['recorded_at', 'timestamptz NOT NULL', 'When the definition was stored.'],
    ],
    constraints: ['PRIMARY KEY (organization_id, policy_id, version)'],
  },
  // The projector's own bookkeeping (not granted to BI tools).
  {
    name: 'projection_conversations',
    comment:
      "Projector bookkeeping: each conversation's folded state (its cycles' facts and live SLA alerts), so that an event is applied without reading the stream again.",
    columns: [
      org,
      conversation,
      ['channel', 'text NOT NULL', 'Channel of the conversation.'],
      ['customer_id', 'text NOT NULL', 'Customer of the conversation.'],
      ['stream_version', 'integer NOT NULL', 'Version of the last conversation event folded in.'],
      [
        'state',
        'text NOT NULL',
        'Facts of every cycle, the SLA alerts seen and the derived rows each cycle counts in, as the projector folds them (JSON; its own compact encoding).',
      ],
    ],
    constraints: ['PRIMARY KEY (conversation_id)'],
  },
  {
    name: 'projection_timers',
    comment:
      'SLA alerts still to send: a row per pending target and kind, claimed by one metrics replica (FOR UPDATE SKIP LOCKED) when fire_at passes.',
    columns: [
      org,
      conversation,
      cycle,
      ['target', 'text NOT NULL', 'queue, first_response, next_response or resolution.'],
      ['exchange', 'integer NOT NULL', 'For next_response, the exchange; 0 otherwise.'],
      ['kind', 'text NOT NULL', 'warning (80 %) or breach (100 %).'],
      ['fire_at', 'timestamptz NOT NULL', 'When to send it.'],
      ['due_at', 'timestamptz NOT NULL', "The target's due time."],
      ['policy_id', 'text NOT NULL', 'SLA policy of the cycle.'],
      ['group_id', 'text NOT NULL', 'Group of the cycle.'],
      ['agent_id', 'text', 'Human agent holding the conversation, who gets the alert; null if none.'],
      ['conversation_version', 'integer NOT NULL', 'Conversation stream version the timer was set on.'],
    ],
    constraints: [
      'PRIMARY KEY (conversation_id, cycle, target, exchange, kind)',
      "CHECK (kind IN ('warning', 'breach'))",
    ],
    indexes: ['CREATE INDEX projection_timers_due ON metrics.projection_timers (fire_at)'],
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE metrics.conversation_cycles`.execute(db);
  // The per-event projection these tables replace kept its stream positions under this name.
  await sql`DELETE FROM event_store.consumer_positions WHERE consumer = 'metrics-conversations'`.execute(db);
  for (const table of tables) {
    const body = [...table.columns.map(([name, type]) => `${name} ${type}`), ...table.constraints].join(',\n  ');
    await sql.raw(`CREATE TABLE metrics.${table.name} (\n  ${body}\n)`).execute(db);
    await sql.raw(`COMMENT ON TABLE metrics.${table.name} IS '${quote(table.comment)}'`).execute(db);
    for (const [name, , comment] of table.columns) {
      await sql.raw(`COMMENT ON COLUMN metrics.${table.name}.${name} IS '${quote(comment)}'`).execute(db);
    }
    for (const index of table.indexes ?? []) await sql.raw(index).execute(db);
  }
  // Append-only: a batch adds its keys without ever waiting on the recomputation that removes
  // earlier ones (a key marked again is simply there twice until then).
  await sql`CREATE TABLE metrics.projection_dirty (id bigserial PRIMARY KEY, key text NOT NULL)`.execute(db);
  await sql`COMMENT ON TABLE metrics.projection_dirty IS 'Projector bookkeeping: rows of agent_daily and group_hourly that projected batches touched and that are still to be recomputed from the base tables (soon after, once for many batches).'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.projection_dirty.id IS 'Order of marking: the recomputation takes the marks up to an id and removes them.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN metrics.projection_dirty.key IS 'g<organization>␟<group>␟<hour ms> (a group hour), a<organization>␟<agent>␟<day> (an agent day) or o<organization> (all of an organization); ␟ is the unit separator, U+001F.'`.execute(
    db,
  );
  await sql`
    CREATE TABLE metrics.projection_control (
      id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
      projection_version  integer NOT NULL,
      leader_epoch        bigint NOT NULL DEFAULT 0,
      rebuild_status      text NOT NULL CHECK (rebuild_status IN ('none', 'requested', 'running', 'done', 'failed')),
      rebuild_requested_at timestamptz,
      rebuild_started_at  timestamptz,
      rebuild_finished_at timestamptz,
      events_total        bigint,
      events_done         bigint NOT NULL DEFAULT 0,
      rebuild_error       text
    )`.execute(db);
  await sql`COMMENT ON TABLE metrics.projection_control IS 'Projector bookkeeping: the projection version the tables were built by, and the state of the last rebuild.'`.execute(
    db,
  );
  const controlColumns: [string, string][] = [
    ['id', 'Always true: the table has one row.'],
    [
      'projection_version',
      'Version of the projection code that built the tables; a newer projector rebuilds them from the event store.',
    ],
    [
      'leader_epoch',
      'Raised by each replica that becomes the projection leader; a batch of an earlier leader that is still running is refused (fencing).',
    ],
    ['rebuild_status', 'none, requested (by livedesk metrics rebuild or the API), running, done or failed.'],
    ['rebuild_requested_at', 'When the last rebuild was asked for.'],
    ['rebuild_started_at', 'When it started.'],
    ['rebuild_finished_at', 'When it finished.'],
    ['events_total', 'Events in the event store when it started.'],
    ['events_done', 'Events replayed so far.'],
    ['rebuild_error', 'Why the last rebuild failed; null otherwise.'],
  ];
  for (const [name, comment] of controlColumns) {
    await sql.raw(`COMMENT ON COLUMN metrics.projection_control.${name} IS '${quote(comment)}'`).execute(db);
  }
  // Version 0: built by nothing yet, so the first projector to lead rebuilds from the event store.
  await sql`INSERT INTO metrics.projection_control (projection_version, rebuild_status) VALUES (0, 'none')`.execute(db);

  // A read-only role for BI tools (Metabase, Grafana, Superset, psql): grant it to a login role,
  // e.g. CREATE ROLE metabase LOGIN PASSWORD '…' IN ROLE livedesk_bi. Roles are cluster-wide,
  // so another database of the cluster may have created it already.
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'livedesk_bi') THEN
        CREATE ROLE livedesk_bi NOLOGIN;
      END IF;
    END $$`.execute(db);
  await sql`GRANT USAGE ON SCHEMA metrics TO livedesk_bi`.execute(db);
  const biTables = tables
    .filter((table) => !table.name.startsWith('projection_'))
    .map((table) => `metrics.${table.name}`);
  await sql.raw(`GRANT SELECT ON ${biTables.join(', ')} TO livedesk_bi`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...tables].reverse()) await sql.raw(`DROP TABLE metrics.${table.name}`).execute(db);
  await sql`DROP TABLE metrics.projection_control`.execute(db);
  await sql`DROP TABLE metrics.projection_dirty`.execute(db);
}

function quote(text: string): string {
  return text.replaceAll("'", "''");
}
