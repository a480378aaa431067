import { sql, type Kysely } from 'kysely';
import type { Window } from '../domain/local-windows.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';

/** What happened in one real hour of the window (hour `i` is [from + i h, from + (i + 1) h)). */
export interface HourFacts {
  i: number;
  arrivals: number;
  handled: number;
  handle_seconds_sum: number;
  accepting_seconds: number;
}

/**
 * Per real hour of `window` (whole hours from `from`): the chats that entered the human queue
 * (queued_at: after a bot, the handoff), their handle times in calendar seconds (staffing is
 * about real time, whatever the SLA calendar), and the seconds agents spent accepting, open
 * intervals counted up to `now`. With a group: its chats, and the accepting time of the agents
 * who held one of its chats in the window (group membership lives in the identity service's directory,
 * not in the metrics tables).
 */
export async function staffingFacts(
  db: Kysely<MetricsDatabase>,
  filter: { organizationId: string; groupId: string | null; window: Window; now: Date },
): Promise<HourFacts[]> {
  const { organizationId: org, groupId: group, now } = filter;
  const { from, to } = filter.window;
  const { rows } = await sql<HourFacts>`
    WITH arrivals AS (
      SELECT floor(extract(epoch FROM c.queued_at - ${from}::timestamptz) / 3600)::int AS i,
             count(*)::int AS arrivals, count(c.handle_seconds)::int AS handled, coalesce(sum(c.handle_seconds), 0)::float8 AS handle_seconds_sum
        FROM metrics.conversation_cycles c
       WHERE c.organization_id = ${org} AND c.queued_at >= ${from} AND c.queued_at < ${to}
         AND (${group}::text IS NULL OR c.group_id = ${group}::text)
       GROUP BY 1
    ),
    agents AS (
      SELECT DISTINCT agent_id FROM metrics.agent_assignments
       WHERE organization_id = ${org} AND agent_kind = 'human' AND group_id = ${group}::text
         AND assigned_at < ${to} AND (released_at IS NULL OR released_at > ${from})
    ),
    accepting_intervals AS (
      SELECT greatest(i.started_at, ${from}::timestamptz) AS a,
             least(greatest(coalesce(i.ended_at, ${now}::timestamptz), i.started_at), ${to}::timestamptz) AS b
        FROM metrics.agent_status_intervals i
       WHERE i.organization_id = ${org} AND i.status = 'accepting' AND i.started_at < ${to} AND (i.ended_at IS NULL OR i.ended_at > ${from})
         AND (${group}::text IS NULL OR i.agent_id IN (SELECT agent_id FROM agents))
    ),
    accepting AS (
      SELECT h AS i,
             sum(extract(epoch FROM least(iv.b, ${from}::timestamptz + (h + 1) * interval '1 hour') - greatest(iv.a, ${from}::timestamptz + h * interval '1 hour')))::float8 AS seconds
        FROM accepting_intervals iv,
             generate_series(floor(extract(epoch FROM iv.a - ${from}::timestamptz) / 3600)::int,
                             ceil(extract(epoch FROM iv.b - ${from}::timestamptz) / 3600)::int - 1) AS h
       WHERE iv.b > iv.a
       GROUP BY h
    )
    SELECT coalesce(a.i, s.i) AS i, coalesce(a.arrivals, 0) AS arrivals, coalesce(a.handled, 0) AS handled,
           coalesce(a.handle_seconds_sum, 0) AS handle_seconds_sum, coalesce(s.seconds, 0) AS accepting_seconds
      FROM arrivals a FULL JOIN accepting s ON s.i = a.i
     ORDER BY 1`.execute(db);
  return rows;
}
