import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { DurationStats, durationStats } from './duration-stats.js';
import { duration, type TimeBasis } from './time-basis.js';

export interface OverviewFilter {
  organizationId: string;
  from: Date;
  to: Date;
  groupId: string | null;
  agentId: string | null;
  time: TimeBasis;
}

const Count = z.number().int();

/** What the overview query answers (its JSON columns parsed: they are the one untyped edge). */
export const OverviewTotals = z.object({
  cycles: z.object({
    started: Count,
    with_human_reply: Count,
    resolved: Count,
    still_open: Count,
    missed: Count,
    left_in_queue: Count,
    unanswered: Count,
    no_agents: Count,
  }),
  queue: DurationStats,
  longest_wait: DurationStats,
  first_resolution: DurationStats,
  full_resolution: DurationStats,
  first_response: DurationStats,
  handle: DurationStats,
  response: DurationStats,
  ratings: z.object({
    csat_ratings: Count,
    csat_good: Count,
    csat_average: z.number().nullable(),
    nps_answers: Count,
    nps_promoters: Count,
    nps_detractors: Count,
    ces_answers: Count,
    ces_average: z.number().nullable(),
    ces_distribution: z.array(Count).length(7),
  }),
  sla: z.array(z.object({ target: z.string(), hit: Count, missed: Count, pending: Count })),
  conversion: z.object({ with_human_reply: Count, converted_with_human_reply: Count, converted: Count }),
  tickets: z.object({ chat: Count, missed_chat: Count, offline_message: Count }),
});
export type OverviewTotals = z.infer<typeof OverviewTotals>;

/**
 * The overview's counts and distributions, in one statement (one snapshot). The cycles are those
 * that started in the period (a reopen starts one), in the group when one is given: the cohort
 * group_hourly sums by the hour of the start, so the overview of whole hours agrees with it.
 *
 * With an agent, each figure is the agent's as the tables attribute it: FRT to the first
 * responder, each exchange to the agent whose reply ended it, handle time and ratings to the
 * cycle's last human agent, an SLA outcome to the agent who held the conversation when it was
 * decided; the figures of a whole cycle (counts, queue, resolution, longest wait, conversion)
 * to the cycles the agent was assigned in.
 *
 * Resolution (docs/metrics.md): the first resolution time is cycle 1's; the full resolution time is
 * the conversation's last cycle's, counted when that last cycle started in the period.
 *
 * Tickets created from chats: the tickets (spam left out) made from the conversations of these
 * cycles, by an agent from the chat, from a missed chat or from an offline message, whenever
 * the ticket was made; each once, however many of its conversation's cycles are in the period.
 */
export async function overviewTotals(db: Kysely<MetricsDatabase>, filter: OverviewFilter): Promise<OverviewTotals> {
  const { organizationId, from, to, time } = filter;
  const group = filter.groupId;
  const agent = filter.agentId;
  const anyAgent = sql`${agent}::text IS NULL`;
  const { rows } = await sql<Record<string, unknown>>`
    WITH period AS MATERIALIZED (
      SELECT c.* FROM metrics.conversation_cycles c
       WHERE c.organization_id = ${organizationId} AND c.started_at >= ${from} AND c.started_at < ${to}
         AND (${group}::text IS NULL OR c.group_id = ${group}::text)
    ),
    cycles AS MATERIALIZED (
      SELECT p.*,
             (${anyAgent} OR ${agent}::text = ANY (p.assigned_agent_ids)) AS mine,
             NOT EXISTS (SELECT 1 FROM metrics.conversation_cycles n WHERE n.conversation_id = p.conversation_id AND n.cycle > p.cycle) AS last_cycle
        FROM period p
    ),
    conversations AS (
      SELECT conversation_id, bool_or(first_response_at IS NOT NULL) AS replied, bool_or(converted) AS converted
        FROM cycles WHERE mine GROUP BY conversation_id
    )
    SELECT
      (SELECT json_build_object(
         'started', count(*) FILTER (WHERE mine),
         'with_human_reply', count(*) FILTER (WHERE mine AND first_response_at IS NOT NULL),
         'resolved', count(*) FILTER (WHERE mine AND end_reason = 'resolved'),
         'still_open', count(*) FILTER (WHERE mine AND ended_at IS NULL),
         'missed', count(*) FILTER (WHERE mine AND missed),
         'left_in_queue', count(*) FILTER (WHERE mine AND missed_reason = 'left_in_queue'),
         'unanswered', count(*) FILTER (WHERE mine AND missed_reason = 'unanswered'),
         'no_agents', count(*) FILTER (WHERE mine AND missed_reason = 'no_agents')) FROM cycles) AS cycles,
      (SELECT ${durationStats(sql`CASE WHEN mine THEN ${duration('queue', time)} END`)} FROM cycles) AS queue,
      (SELECT ${durationStats(sql`CASE WHEN mine THEN ${duration('longest_wait', time)} END`)} FROM cycles) AS longest_wait,
      (SELECT ${durationStats(sql`CASE WHEN mine AND cycle = 1 THEN ${duration('resolution', time)} END`)} FROM cycles) AS first_resolution,
      (SELECT ${durationStats(sql`CASE WHEN mine AND last_cycle THEN ${duration('resolution', time)} END`)} FROM cycles) AS full_resolution,
      (SELECT ${durationStats(sql`CASE WHEN ${anyAgent} OR first_response_agent_id = ${agent}::text THEN ${duration('first_response', time)} END`)} FROM cycles) AS first_response,
      (SELECT ${durationStats(sql`CASE WHEN ${anyAgent} OR last_agent_id = ${agent}::text THEN ${duration('handle', time)} END`)} FROM cycles) AS handle,
      (SELECT ${durationStats(duration('r.response', time))}
         FROM metrics.responses r JOIN period p ON p.conversation_id = r.conversation_id AND p.cycle = r.cycle
        WHERE r.replied_at IS NOT NULL AND (${anyAgent} OR r.agent_id = ${agent}::text)) AS response,
      (SELECT json_build_object(
         'csat_ratings', count(*) FILTER (WHERE r.kind = 'csat'),
         'csat_good', count(*) FILTER (WHERE r.kind = 'csat' AND r.score >= 4),
         'csat_average', avg(r.score) FILTER (WHERE r.kind = 'csat')::float8,
         'nps_answers', count(*) FILTER (WHERE r.kind = 'nps'),
         'nps_promoters', count(*) FILTER (WHERE r.kind = 'nps' AND r.score >= 9),
         'nps_detractors', count(*) FILTER (WHERE r.kind = 'nps' AND r.score <= 6),
         'ces_answers', count(*) FILTER (WHERE r.kind = 'ces'),
         'ces_average', avg(r.score) FILTER (WHERE r.kind = 'ces')::float8,
         'ces_distribution', json_build_array(${sql.raw([1, 2, 3, 4, 5, 6, 7].map((value) => `count(*) FILTER (WHERE r.kind = 'ces' AND r.score = ${value})`).join(', '))}))
         FROM metrics.ratings r JOIN period p ON p.conversation_id = r.conversation_id AND p.cycle = r.cycle
        WHERE ${anyAgent} OR r.agent_id = ${agent}::text) AS ratings,
      (SELECT coalesce(json_agg(t ORDER BY t.target), '[]'::json) FROM (
         SELECT o.target, count(*) FILTER (WHERE o.status = 'hit') AS hit, count(*) FILTER (WHERE o.status = 'missed') AS missed,
                count(*) FILTER (WHERE o.status = 'pending') AS pending
           FROM metrics.sla_outcomes o JOIN period p ON p.conversation_id = o.conversation_id AND p.cycle = o.cycle
          WHERE ${anyAgent} OR o.agent_id = ${agent}::text
          GROUP BY o.target) t) AS sla,
      (SELECT json_build_object(
         'with_human_reply', count(*) FILTER (WHERE replied),
         'converted_with_human_reply', count(*) FILTER (WHERE replied AND converted),
         'converted', count(*) FILTER (WHERE converted)) FROM conversations) AS conversion,
      (SELECT json_build_object(
         'chat', count(*) FILTER (WHERE t.source = 'chat'),
         'missed_chat', count(*) FILTER (WHERE t.source = 'missed_chat'),
         'offline_message', count(*) FILTER (WHERE t.source = 'offline_message'))
         FROM metrics.tickets t
        WHERE t.organization_id = ${organizationId} AND NOT t.spam
          AND t.conversation_id IN (SELECT conversation_id FROM conversations)) AS tickets`.execute(db);
  return OverviewTotals.parse(rows[0]);
}

/** The chats open at this moment, and of those the ones waiting in the queue. */
export interface OpenNow {
  open: number;
  queued: number;
}

/**
 * A snapshot, whatever the period: the cycles not ended yet (in the group, when one is given),
 * and of those the ones queued for a human that nobody (human or bot) holds now. A chat
 * requeued by a transfer to a group or by its agent going offline counts as queued again.
 */
export async function openNow(
  db: Kysely<MetricsDatabase>,
  organizationId: string,
  groupId: string | null,
): Promise<OpenNow> {
  const { rows } = await sql<OpenNow>`
    SELECT count(*)::int AS open,
           count(*) FILTER (WHERE c.queued_at IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM metrics.agent_assignments a
              WHERE a.conversation_id = c.conversation_id AND a.cycle = c.cycle AND a.released_at IS NULL))::int AS queued
      FROM metrics.conversation_cycles c
     WHERE c.organization_id = ${organizationId} AND c.ended_at IS NULL AND (${groupId}::text IS NULL OR c.group_id = ${groupId}::text)`.execute(
    db,
  );
  return rows[0]!;
}
