import { sql, type Kysely } from 'kysely';
import { AGENT_TOTAL_KEYS, type AgentTotalKey } from '../domain/agent-figures.js';
import { cesTotalsSql } from '../domain/ces-figures.js';
import type { Totals } from '../domain/figures.js';
import type { Window } from '../domain/local-windows.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { duration, type TimeBasis } from './time-basis.js';
import {
  assignmentSpan,
  chatSeconds,
  chattingSeconds,
  goodCsat,
  idleSeconds,
  missedWhileHeld,
  statusTimeColumns,
  transferredOut,
} from '../projection/agent-activity-sql.js';
import { windowParams } from './window-params.js';

export interface AgentTotalsFilter {
  organizationId: string;
  windows: readonly Window[];
  /** open status intervals and assignments count up to here */
  now: Date;
  /** chat figures of this group's cycles only; time figures stay the agent's whole time */
  groupId: string | null;
  time: TimeBasis;
}

export interface AgentWindowTotals {
  /** index in `windows` */
  window: number;
  agent_id: string;
  totals: Totals<AgentTotalKey>;
}

/**
 * Each human agent's totals in each window, by agent_daily's definitions (agent-activity-sql.ts) over
 * any windows, plus what agent_daily leaves out: status intervals and assignments still open
 * count up to `now` (an agent accepting since this morning, or offline since last night).
 * Chatting time is the time not offline with a chat assigned, idle time accepting with none,
 * concurrency the chats assigned integrated over chatting time (domain/agent-activity.ts). The
 * time before an agent's first known status change counts in no status, as in agent_daily.
 * Chats count where their event falls: an assignment where it starts (chats handled, transfers
 * in) or ends (transfers out, missed while held), a first response or reply where it is sent, a
 * handle time where the cycle ends, a rating where it is given, an SLA miss at its breach.
 *
 * Routing status is the agent's, not a group's: with a group, chat figures count that group's
 * cycles and agents without any are left out, while the time figures stay whole.
 */
export async function agentTotals(
  db: Kysely<MetricsDatabase>,
  filter: AgentTotalsFilter,
): Promise<AgentWindowTotals[]> {
  const { organizationId: org, now, groupId: group, time } = filter;
  const { starts, ends, since, until } = windowParams(filter.windows);
  const inGroup = (column: string) => sql`(${group}::text IS NULL OR ${sql.raw(column)} = ${group}::text)`;
  const { rows } = await sql<Record<string, unknown>>`
    WITH w AS MATERIALIZED (
      SELECT (o - 1)::int AS n, start_at, end_at
        FROM unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) WITH ORDINALITY AS w(start_at, end_at, o)
    ),
    iv AS MATERIALIZED (
      SELECT agent_id, status, started_at AS a, greatest(coalesce(ended_at, ${now}::timestamptz), started_at) AS b
        FROM metrics.agent_status_intervals
       WHERE organization_id = ${org} AND started_at < ${until} AND (ended_at IS NULL OR ended_at > ${since})
    ),
    st AS MATERIALIZED (
      SELECT w.n, iv.agent_id,
             ${sql.raw(statusTimeColumns('iv.status', { start: 'iv.a', end: 'iv.b', from: 'w.start_at', to: 'w.end_at' }))}
        FROM w JOIN iv ON iv.a < w.end_at AND iv.b > w.start_at
       GROUP BY w.n, iv.agent_id
    ),
    asg AS MATERIALIZED (
      SELECT agent_id, conversation_id, cycle, group_id, assigned_via, released_by, released_at,
             assigned_at AS a, greatest(coalesce(released_at, ${now}::timestamptz), assigned_at) AS b
        FROM metrics.agent_assignments
       WHERE organization_id = ${org} AND agent_kind = 'human' AND assigned_at < ${until} AND (released_at IS NULL OR released_at >= ${since})
    ),
    held AS MATERIALIZED (
      SELECT w.n, s.agent_id, s.assigned_via, ${inGroup('s.group_id')} AS in_group, s.a >= w.start_at AS started_here,
             ${sql.raw(assignmentSpan({ start: 's.a', end: 's.b', from: 'w.start_at', to: 'w.end_at' }))} AS span
        FROM w JOIN asg s ON s.a < w.end_at AND s.b > w.start_at
    ),
    ch AS MATERIALIZED (
      SELECT h.n, h.agent_id, bool_or(h.in_group) AS in_group,
             range_agg(h.span) AS chats,
             sum(${sql.raw(chatSeconds('h.span', 'st.online'))})::float8 AS chat_seconds,
             count(*) FILTER (WHERE h.started_here AND h.in_group)::int AS chats_handled,
             count(*) FILTER (WHERE h.started_here AND h.in_group AND h.assigned_via = 'transfer')::int AS transfers_in
        FROM held h LEFT JOIN st ON st.n = h.n AND st.agent_id = h.agent_id
       GROUP BY h.n, h.agent_id
    ),
    tr AS MATERIALIZED (
      SELECT w.n, s.agent_id,
             count(*) FILTER (WHERE ${sql.raw(transferredOut('s'))})::int AS transfers_out,
             count(*) FILTER (WHERE ${sql.raw(missedWhileHeld('s', 'c'))})::int AS missed_assigned
        FROM w JOIN asg s ON s.released_at >= w.start_at AND s.released_at < w.end_at
        JOIN metrics.conversation_cycles c ON c.conversation_id = s.conversation_id AND c.cycle = s.cycle
       WHERE ${inGroup('s.group_id')}
       GROUP BY w.n, s.agent_id
    ),
    fr AS MATERIALIZED (
      SELECT w.n, c.first_response_agent_id AS agent_id, count(*)::int AS first_responses,
             sum(${duration('c.first_response', time)})::float8 AS first_response_sum
        FROM w JOIN metrics.conversation_cycles c
          ON c.organization_id = ${org} AND c.first_response_at >= w.start_at AND c.first_response_at < w.end_at
       WHERE c.first_response_agent_id IS NOT NULL AND ${inGroup('c.group_id')}
       GROUP BY w.n, c.first_response_agent_id
    ),
    rs AS MATERIALIZED (
      SELECT w.n, r.agent_id, count(*)::int AS responses, sum(${duration('r.response', time)})::float8 AS response_sum
        FROM w JOIN metrics.responses r ON r.organization_id = ${org} AND r.replied_at >= w.start_at AND r.replied_at < w.end_at
       WHERE r.agent_id IS NOT NULL AND ${inGroup('r.group_id')}
       GROUP BY w.n, r.agent_id
    ),
    hd AS MATERIALIZED (
      SELECT w.n, c.last_agent_id AS agent_id, count(*)::int AS handled_to_end, sum(${duration('c.handle', time)})::float8 AS handle_sum
        FROM w JOIN metrics.conversation_cycles c ON c.organization_id = ${org} AND c.ended_at >= w.start_at AND c.ended_at < w.end_at
       WHERE c.last_agent_id IS NOT NULL AND c.handle_seconds IS NOT NULL AND ${inGroup('c.group_id')}
       GROUP BY w.n, c.last_agent_id
    ),
    cs AS MATERIALIZED (
      SELECT w.n, r.agent_id, count(*)::int AS csat_ratings, count(*) FILTER (WHERE ${sql.raw(goodCsat('r.score'))})::int AS csat_good, sum(r.score)::int AS csat_sum
        FROM w JOIN metrics.ratings r ON r.organization_id = ${org} AND r.kind = 'csat' AND r.rated_at >= w.start_at AND r.rated_at < w.end_at
       WHERE r.agent_id IS NOT NULL AND ${inGroup('r.group_id')}
       GROUP BY w.n, r.agent_id
    ),
    ce AS MATERIALIZED (
      SELECT w.n, r.agent_id, ${sql.raw(cesTotalsSql('r.score'))}
        FROM w JOIN metrics.ratings r ON r.organization_id = ${org} AND r.kind = 'ces' AND r.rated_at >= w.start_at AND r.rated_at < w.end_at
       WHERE r.agent_id IS NOT NULL AND ${inGroup('r.group_id')}
       GROUP BY w.n, r.agent_id
    ),
    sl AS MATERIALIZED (
      SELECT w.n, o.agent_id, count(*)::int AS sla_missed
        FROM w JOIN metrics.sla_outcomes o
          ON o.organization_id = ${org} AND o.status = 'missed' AND o.breached_at >= w.start_at AND o.breached_at < w.end_at
       WHERE o.agent_id IS NOT NULL AND ${inGroup('o.group_id')}
       GROUP BY w.n, o.agent_id
    ),
    keys AS (
      SELECT n, agent_id FROM st WHERE ${group}::text IS NULL
      UNION SELECT n, agent_id FROM ch WHERE in_group
      UNION SELECT n, agent_id FROM tr
      UNION SELECT n, agent_id FROM fr
      UNION SELECT n, agent_id FROM rs
      UNION SELECT n, agent_id FROM hd
      UNION SELECT n, agent_id FROM cs
      UNION SELECT n, agent_id FROM ce
      UNION SELECT n, agent_id FROM sl
    )
    SELECT k.n, k.agent_id,
           coalesce(st.accepting, 0) AS accepting_seconds,
           coalesce(st.not_accepting, 0) AS not_accepting_seconds,
           coalesce(st.offline, 0) AS offline_seconds,
           ${sql.raw(chattingSeconds('ch.chats', 'st.online'))} AS chatting_seconds,
           ${sql.raw(idleSeconds('st.accepting_ranges', 'ch.chats'))} AS idle_seconds,
           coalesce(ch.chat_seconds, 0) AS chat_seconds,
           coalesce(ch.chats_handled, 0) AS chats_handled,
           coalesce(ch.transfers_in, 0) AS transfers_in,
           coalesce(tr.transfers_out, 0) AS transfers_out,
           coalesce(tr.missed_assigned, 0) AS missed_assigned,
           coalesce(sl.sla_missed, 0) AS sla_missed,
           coalesce(fr.first_responses, 0) AS first_responses,
           coalesce(fr.first_response_sum, 0) AS first_response_sum,
           coalesce(rs.responses, 0) AS responses,
           coalesce(rs.response_sum, 0) AS response_sum,
           coalesce(hd.handled_to_end, 0) AS handled_to_end,
           coalesce(hd.handle_sum, 0) AS handle_sum,
           coalesce(cs.csat_ratings, 0) AS csat_ratings,
           coalesce(cs.csat_good, 0) AS csat_good,
           coalesce(cs.csat_sum, 0) AS csat_sum,
           ${sql.raw(['ces_answers', 'ces_sum', ...[1, 2, 3, 4, 5, 6, 7].map((value) => `ces_${value}`)].map((key) => `coalesce(ce.${key}, 0) AS ${key}`).join(', '))}
      FROM keys k
      LEFT JOIN st ON st.n = k.n AND st.agent_id = k.agent_id
      LEFT JOIN ch ON ch.n = k.n AND ch.agent_id = k.agent_id
      LEFT JOIN tr ON tr.n = k.n AND tr.agent_id = k.agent_id
      LEFT JOIN fr ON fr.n = k.n AND fr.agent_id = k.agent_id
      LEFT JOIN rs ON rs.n = k.n AND rs.agent_id = k.agent_id
      LEFT JOIN hd ON hd.n = k.n AND hd.agent_id = k.agent_id
      LEFT JOIN cs ON cs.n = k.n AND cs.agent_id = k.agent_id
      LEFT JOIN ce ON ce.n = k.n AND ce.agent_id = k.agent_id
      LEFT JOIN sl ON sl.n = k.n AND sl.agent_id = k.agent_id
     ORDER BY k.agent_id, k.n`.execute(db);
  return rows.map((row) => ({ window: Number(row.n), agent_id: String(row.agent_id), totals: numbers(row) }));
}

function numbers(row: Record<string, unknown>): Totals<AgentTotalKey> {
  const totals = {} as Totals<AgentTotalKey>;
  for (const key of AGENT_TOTAL_KEYS) totals[key] = Number(row[key]);
  return totals;
}
