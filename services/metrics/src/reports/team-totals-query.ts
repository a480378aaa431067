import { sql, type Kysely } from 'kysely';
import type { Totals } from '../domain/figures.js';
import type { Window } from '../domain/local-windows.js';
import { TEAM_TOTAL_KEYS, type TeamTotalKey } from '../domain/team-figures.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { cesTotalsSql } from '../domain/ces-figures.js';
import { duration, type TimeBasis } from './time-basis.js';
import { windowParams } from './window-params.js';

export interface TeamWindowTotals {
  /** index in `windows` */
  window: number;
  group_id: string;
  totals: Totals<TeamTotalKey>;
}

/**
 * Each group's totals in each window over the cycles that started in it, by group_hourly's
 * definitions (derived-tables.ts; a local day of a zone with a half-hour offset is not whole
 * UTC hours, so they are computed here rather than summed from it), plus the group's answered
 * exchanges and its distinct conversations with a human reply and with a goal.
 */
export async function teamTotals(
  db: Kysely<MetricsDatabase>,
  organizationId: string,
  windows: readonly Window[],
  time: TimeBasis,
): Promise<TeamWindowTotals[]> {
  const { starts, ends, since, until } = windowParams(windows);
  const { rows } = await sql<Record<string, unknown>>`
    WITH w AS MATERIALIZED (
      SELECT (o - 1)::int AS n, start_at, end_at
        FROM unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) WITH ORDINALITY AS w(start_at, end_at, o)
    ),
    c AS MATERIALIZED (
      SELECT w.n, c.conversation_id, c.cycle, c.group_id, c.first_response_at, c.end_reason, c.ended_at, c.missed, c.missed_reason,
             c.csat_score, c.nps_score, c.ces_score, c.converted,
             ${duration('c.queue', time)} AS queue, ${duration('c.first_response', time)} AS first_response,
             ${duration('c.handle', time)} AS handle, ${duration('c.resolution', time)} AS resolution
        FROM metrics.conversation_cycles c JOIN w ON c.started_at >= w.start_at AND c.started_at < w.end_at
       WHERE c.organization_id = ${organizationId} AND c.started_at >= ${since} AND c.started_at < ${until}
    ),
    base AS (
      SELECT n, group_id,
             count(*)::int AS chats_started,
             count(*) FILTER (WHERE first_response_at IS NOT NULL)::int AS with_human_reply,
             count(*) FILTER (WHERE end_reason = 'resolved')::int AS resolved,
             count(*) FILTER (WHERE ended_at IS NULL)::int AS still_open,
             count(*) FILTER (WHERE missed)::int AS missed,
             count(*) FILTER (WHERE missed_reason = 'left_in_queue')::int AS missed_left_in_queue,
             count(*) FILTER (WHERE missed_reason = 'unanswered')::int AS missed_unanswered,
             count(*) FILTER (WHERE missed_reason = 'no_agents')::int AS missed_no_agents,
             count(queue)::int AS queued,
             coalesce(sum(queue), 0)::float8 AS queue_sum,
             coalesce(sum(first_response), 0)::float8 AS first_response_sum,
             count(handle)::int AS handled,
             coalesce(sum(handle), 0)::float8 AS handle_sum,
             coalesce(sum(resolution), 0)::float8 AS resolution_sum,
             count(csat_score)::int AS csat_ratings,
             count(*) FILTER (WHERE csat_score >= 4)::int AS csat_good,
             coalesce(sum(csat_score), 0)::int AS csat_sum,
             count(nps_score)::int AS nps_answers,
             (count(*) FILTER (WHERE nps_score >= 9) - count(*) FILTER (WHERE nps_score <= 6))::int AS nps_net,
             ${sql.raw(cesTotalsSql('ces_score'))}
        FROM c GROUP BY n, group_id
    ),
    rs AS (
      SELECT c.n, c.group_id, count(*)::int AS responses, coalesce(sum(${duration('r.response', time)}), 0)::float8 AS response_sum
        FROM c JOIN metrics.responses r ON r.conversation_id = c.conversation_id AND r.cycle = c.cycle
       WHERE r.replied_at IS NOT NULL
       GROUP BY c.n, c.group_id
    ),
    sla AS (
      SELECT c.n, c.group_id, count(*) FILTER (WHERE o.status = 'hit')::int AS sla_hit,
             count(*) FILTER (WHERE o.status IN ('hit', 'missed'))::int AS sla_decided
        FROM c JOIN metrics.sla_outcomes o ON o.conversation_id = c.conversation_id AND o.cycle = c.cycle
       GROUP BY c.n, c.group_id
    ),
    conv AS (
      SELECT n, group_id, count(*) FILTER (WHERE replied)::int AS conversations_with_human_reply,
             count(*) FILTER (WHERE replied AND converted)::int AS conversations_converted
        FROM (SELECT n, group_id, conversation_id, bool_or(first_response_at IS NOT NULL) AS replied, bool_or(converted) AS converted
                FROM c GROUP BY n, group_id, conversation_id) per_conversation
       GROUP BY n, group_id
    )
    SELECT b.*, coalesce(rs.responses, 0) AS responses, coalesce(rs.response_sum, 0) AS response_sum,
           coalesce(sla.sla_hit, 0) AS sla_hit, coalesce(sla.sla_decided, 0) AS sla_decided,
           conv.conversations_with_human_reply, conv.conversations_converted
      FROM base b
      LEFT JOIN rs ON rs.n = b.n AND rs.group_id = b.group_id
      LEFT JOIN sla ON sla.n = b.n AND sla.group_id = b.group_id
      JOIN conv ON conv.n = b.n AND conv.group_id = b.group_id
     ORDER BY b.group_id, b.n`.execute(db);
  return rows.map((row) => {
    const totals = {} as Totals<TeamTotalKey>;
    for (const key of TEAM_TOTAL_KEYS) totals[key] = Number(row[key]);
    return { window: Number(row.n), group_id: String(row.group_id), totals };
  });
}
