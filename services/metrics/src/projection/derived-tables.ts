import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import { together } from '@livedesk/service-kit';
import { DerivedKeys, KEY_SEPARATOR } from './derived-keys.js';
import { splitDerivedMarks, type DirtyMark } from './derived-split.js';
import {
  assignmentSpan,
  chatSeconds,
  chattingSeconds,
  cesDistribution,
  goodCsat,
  idleSeconds,
  missedWhileHeld,
  statusTimeColumns,
  transferredOut,
} from './agent-activity-sql.js';
import type { MetricsDatabase } from './metrics-tables.js';

/**
 * Records the derived rows a batch touched as dirty (`metrics.projection_dirty`), in the
 * batch's transaction: recomputing them is left to `flushDerived`, which does it once for all
 * the batches of the moment instead of once per batch (a busy agent's day is touched by every
 * batch). Stored, so a crash in between loses none; appended, so a batch never waits for a
 * recomputation under way.
 */
export async function markDirty(trx: Transaction<MetricsDatabase>, keys: DerivedKeys): Promise<void> {
  const encoded = [
    ...[...keys.groupHours].map((key) => `g${key}`),
    ...[...keys.agentDays].map((key) => `a${key}`),
    ...[...keys.wholeOrganizations].map((key) => `o${key}`),
  ];
  if (encoded.length === 0) return;
  await sql`INSERT INTO metrics.projection_dirty (key) SELECT unnest(${encoded}::text[])`.execute(trx);
}

/** Marks taken by one `flushDerived` at the most. */
const FLUSH_LIMIT = 50_000;

/**
 * Recomputes the dirty derived rows, a transaction per `flushDerived`, until it finds fewer marks
 * than it may take: the backlog there was, not the marks that keep coming while it works. Under
 * load, waiting for those too would recompute without a pause (each call long enough for the
 * batches committed meanwhile to mark more), keeping a Postgres backend busy the whole time;
 * left for the next round, the marks of that round are merged into one recomputation per row.
 * `beforeWrite` runs first in every transaction (the leader's fence); answers the marks taken.
 */
export async function flushDerivedBacklog(
  db: Kysely<MetricsDatabase>,
  beforeWrite?: (trx: Transaction<MetricsDatabase>) => Promise<void>,
  limit = FLUSH_LIMIT,
): Promise<number> {
  let taken = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      await beforeWrite?.(trx);
      return flushDerived(trx, limit);
    });
    taken += done;
    if (done < limit) return taken;
  }
}

/**
 * `flushDerivedBacklog` over several connections (a rebuild's end, where every derived row is
 * dirty and nothing else writes): each round's marks are split into parts that share no derived
 * row (derived-split.ts), each recomputed in a transaction of its own, on a connection of its
 * own, which removes that part's marks. Every part settles before a failure is reported; a failed
 * part's marks stay, so whatever recomputes next takes them. One connection: `flushDerivedBacklog`.
 */
export async function flushDerivedBacklogInParts(
  dbs: readonly Kysely<MetricsDatabase>[],
  beforeWrite?: (trx: Transaction<MetricsDatabase>) => Promise<void>,
  limit = FLUSH_LIMIT,
): Promise<number> {
  if (dbs.length <= 1) return flushDerivedBacklog(dbs[0]!, beforeWrite, limit);
  let taken = 0;
  for (;;) {
    const { rows } = await sql<DirtyMark>`
      SELECT id, key FROM metrics.projection_dirty ORDER BY id LIMIT ${limit}`.execute(dbs[0]!);
    const parts = splitDerivedMarks(rows, dbs.length);
    await together(
      parts.map((part, i) =>
        dbs[i]!.transaction().execute(async (trx) => {
          await beforeWrite?.(trx);
          await recomputeDerived(trx, part.keys);
          await sql`DELETE FROM metrics.projection_dirty WHERE id = ANY(${part.ids}::bigint[])`.execute(trx);
        }),
      ),
    );
    taken += rows.length;
    if (rows.length < limit) return taken;
  }
}

/** The base tables the derived rows are computed from (AGENT_DAYS_SQL, GROUP_HOURS_SQL, ORGANIZATION_DAYS_SQL). */
export const DERIVED_SOURCE_TABLES = [
  'metrics.organizations',
  'metrics.agent_status_intervals',
  'metrics.agent_assignments',
  'metrics.conversation_cycles',
  'metrics.responses',
  'metrics.ratings',
  'metrics.sla_outcomes',
] as const;

/**
 * Recomputes the dirty derived rows marked up to now (at most `limit` marks, oldest first) and
 * removes those marks, in one transaction; answers how many marks it took. Marks of batches that
 * commit meanwhile stay for the next call (`flushDerivedBacklog` calls it).
 */
export async function flushDerived(trx: Transaction<MetricsDatabase>, limit = FLUSH_LIMIT): Promise<number> {
  const { rows } = await sql<{ id: string; key: string }>`
    SELECT id, key FROM metrics.projection_dirty ORDER BY id LIMIT ${limit}`.execute(trx);
  if (rows.length === 0) return 0;
  const keys = new DerivedKeys();
  for (const { key } of rows) {
    if (key.startsWith('o')) keys.wholeOrganizations.add(key.slice(1));
    else keys.addAll([key]);
  }
  await recomputeDerived(trx, keys);
  await sql`DELETE FROM metrics.projection_dirty WHERE id <= ${rows.at(-1)!.id}`.execute(trx);
  return rows.length;
}

/**
 * Recomputes the derived tables' dirty rows from the base tables. A row whose figures all come
 * out zero is deleted rather than kept empty, so the tables hold the same rows however the
 * events were cut into batches (live or in a rebuild).
 */
async function recomputeDerived(trx: Transaction<MetricsDatabase>, keys: DerivedKeys): Promise<void> {
  for (const organizationId of keys.wholeOrganizations) await addWholeOrganization(trx, organizationId, keys);
  if (keys.groupHours.size > 0)
    await recomputeGroupHours(
      trx,
      [...keys.groupHours].map((key) => key.split(KEY_SEPARATOR)),
    );
  if (keys.agentDays.size > 0)
    await recomputeAgentDays(
      trx,
      [...keys.agentDays].map((key) => key.split(KEY_SEPARATOR)),
    );
}

async function recomputeAgentDays(trx: Transaction<MetricsDatabase>, keys: string[][]): Promise<void> {
  // Each key's local day [day_start, day_end) as instants; every source clipped to it. Chatting
  // time is the time not offline with at least one conversation assigned; idle time accepting
  // with none; concurrency the assigned conversations integrated over chatting time (the same
  // definitions as domain/agent-activity.ts, here over the stored intervals).
  await trx.executeQuery(
    CompiledQuery.raw(AGENT_DAYS_SQL, [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])]),
  );
}

/**
 * One aggregate per source and key, each a LATERAL subquery: Postgres probes an index for each
 * key (the day's range of one agent; for intervals and assignments, the GiST overlap of the day,
 * the agent found by the hash of its id: migration 2026-12-01-04-overlap-indexes), so that
 * recomputing a live round's keys costs what those keys' rows cost, however much history the
 * tables hold; a join of all keys with a source could be planned as a scan of the whole table. Every key gets a row from each aggregate (zeros and nulls when
 * nothing matched). `MATERIALIZED` keeps each aggregate computed once.
 */
const AGENT_DAYS_SQL = `
    WITH keys AS MATERIALIZED (
      SELECT k.organization_id, k.agent_id, k.day::date AS day, z.time_zone,
             (k.day::date::timestamp AT TIME ZONE z.time_zone) AS day_start,
             ((k.day::date + 1)::timestamp AT TIME ZONE z.time_zone) AS day_end
        FROM unnest($1::text[], $2::text[], $3::text[]) AS k(organization_id, agent_id, day)
        LEFT JOIN metrics.organizations o ON o.organization_id = k.organization_id
        CROSS JOIN LATERAL (SELECT coalesce(o.time_zone, 'UTC') AS time_zone) z
    ),
    st AS MATERIALIZED (
      SELECT k.*, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT ${statusTimeColumns('i.status', { start: 'i.started_at', end: 'i.ended_at', from: 'k.day_start', to: 'k.day_end' })}
            FROM metrics.agent_status_intervals i
           WHERE hashtextextended(i.agent_id, 0) = hashtextextended(k.agent_id, 0)
             AND tstzrange(i.started_at, i.ended_at, '[]') && tstzrange(k.day_start, k.day_end)
             AND i.organization_id = k.organization_id AND i.agent_id = k.agent_id
             AND i.ended_at IS NOT NULL AND i.started_at < k.day_end AND i.ended_at > k.day_start) x
    ),
    ch AS MATERIALIZED (
      SELECT st.organization_id, st.agent_id, st.day, x.*
        FROM st
        CROSS JOIN LATERAL (
          SELECT range_agg(h.span) FILTER (WHERE h.released_at IS NOT NULL) AS chats,
                 sum(${chatSeconds('h.span', 'st.online')}) FILTER (WHERE h.released_at IS NOT NULL) AS concurrency,
                 count(*) FILTER (WHERE h.started_today) AS handled,
                 count(*) FILTER (WHERE h.started_today AND h.assigned_via = 'transfer') AS transfers_in
            FROM (SELECT a.assigned_via, a.released_at,
                         ${assignmentSpan({ start: 'a.assigned_at', end: 'a.released_at', from: 'st.day_start', to: 'st.day_end' })} AS span,
                         a.assigned_at >= st.day_start AS started_today
                    FROM metrics.agent_assignments a
                   WHERE hashtextextended(a.agent_id, 0) = hashtextextended(st.agent_id, 0)
                     AND tstzrange(a.assigned_at, a.released_at, '[]') && tstzrange(st.day_start, st.day_end)
                     AND a.organization_id = st.organization_id AND a.agent_id = st.agent_id AND a.agent_kind = 'human'
                     AND a.assigned_at < st.day_end AND (a.released_at IS NULL OR a.released_at > st.day_start)) h) x
    ),
    tr AS MATERIALIZED (
      SELECT k.organization_id, k.agent_id, k.day, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE ${transferredOut('a')}) AS transfers_out,
                 count(*) FILTER (WHERE ${missedWhileHeld('a', 'c')}) AS missed_assigned
            FROM metrics.agent_assignments a
            JOIN metrics.conversation_cycles c ON c.conversation_id = a.conversation_id AND c.cycle = a.cycle
           WHERE a.organization_id = k.organization_id AND a.agent_id = k.agent_id AND a.agent_kind = 'human'
             AND a.released_at >= k.day_start AND a.released_at < k.day_end) x
    ),
    fr AS MATERIALIZED (
      SELECT k.organization_id, k.agent_id, k.day, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT count(*) AS n, sum(c.first_response_seconds)::float8 AS s, sum(c.first_response_business_seconds)::float8 AS b
            FROM metrics.conversation_cycles c
           WHERE c.organization_id = k.organization_id AND c.first_response_agent_id = k.agent_id
             AND c.first_response_at >= k.day_start AND c.first_response_at < k.day_end) x
    ),
    hd AS MATERIALIZED (
      SELECT k.organization_id, k.agent_id, k.day, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT count(*) AS n, sum(c.handle_seconds)::float8 AS s, sum(c.handle_business_seconds)::float8 AS b
            FROM metrics.conversation_cycles c
           WHERE c.organization_id = k.organization_id AND c.last_agent_id = k.agent_id AND c.handle_seconds IS NOT NULL
             AND c.ended_at >= k.day_start AND c.ended_at < k.day_end) x
    ),
    rs AS MATERIALIZED (
      SELECT k.organization_id, k.agent_id, k.day, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT count(*) AS n, sum(r.response_seconds)::float8 AS s, sum(r.response_business_seconds)::float8 AS b
            FROM metrics.responses r
           WHERE r.organization_id = k.organization_id AND r.agent_id = k.agent_id
             AND r.replied_at >= k.day_start AND r.replied_at < k.day_end) x
    ),
    cs AS MATERIALIZED (
      SELECT k.organization_id, k.agent_id, k.day, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT count(*) AS n, count(*) FILTER (WHERE ${goodCsat('r.score')}) AS good, sum(r.score) AS total
            FROM metrics.ratings r
           WHERE r.organization_id = k.organization_id AND r.agent_id = k.agent_id AND r.kind = 'csat'
             AND r.rated_at >= k.day_start AND r.rated_at < k.day_end) x
    ),
    ce AS MATERIALIZED (
      SELECT k.organization_id, k.agent_id, k.day, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT count(*) AS n, sum(r.score) AS total, ${cesDistribution('r.score')} AS distribution
            FROM metrics.ratings r
           WHERE r.organization_id = k.organization_id AND r.agent_id = k.agent_id AND r.kind = 'ces'
             AND r.rated_at >= k.day_start AND r.rated_at < k.day_end) x
    ),
    sl AS MATERIALIZED (
      SELECT k.organization_id, k.agent_id, k.day, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT count(*) AS n
            FROM metrics.sla_outcomes s
           WHERE s.organization_id = k.organization_id AND s.agent_id = k.agent_id AND s.status = 'missed'
             AND s.breached_at >= k.day_start AND s.breached_at < k.day_end) x
    ),
    computed AS (
      SELECT k.organization_id, k.agent_id, k.day, k.time_zone,
             coalesce(st.accepting, 0) AS accepting_seconds,
             coalesce(st.not_accepting, 0) AS not_accepting_seconds,
             coalesce(st.offline, 0) AS offline_seconds,
             ${chattingSeconds('ch.chats', 'st.online')} AS chatting_seconds,
             ${idleSeconds('st.accepting_ranges', 'ch.chats')} AS idle_seconds,
             coalesce(ch.concurrency, 0) AS chat_seconds,
             coalesce(ch.handled, 0) AS chats_handled,
             coalesce(ch.transfers_in, 0) AS transfers_in,
             coalesce(tr.transfers_out, 0) AS transfers_out,
             coalesce(fr.n, 0) AS first_responses,
             coalesce(fr.s, 0) AS first_response_sum_seconds,
             coalesce(fr.b, 0) AS first_response_sum_business_seconds,
             coalesce(rs.n, 0) AS responses,
             coalesce(rs.s, 0) AS response_sum_seconds,
             coalesce(rs.b, 0) AS response_sum_business_seconds,
             coalesce(hd.n, 0) AS handled_to_end,
             coalesce(hd.s, 0) AS handle_sum_seconds,
             coalesce(hd.b, 0) AS handle_sum_business_seconds,
             coalesce(cs.n, 0) AS csat_ratings,
             coalesce(cs.good, 0) AS csat_good,
             coalesce(cs.total, 0) AS csat_sum,
             coalesce(tr.missed_assigned, 0) AS missed_assigned,
             coalesce(sl.n, 0) AS sla_missed,
             coalesce(ce.n, 0) AS ces_answers,
             coalesce(ce.total, 0) AS ces_sum,
             coalesce(ce.distribution, '{0,0,0,0,0,0,0}'::int[]) AS ces_distribution
        FROM keys k
        LEFT JOIN st ON st.organization_id = k.organization_id AND st.agent_id = k.agent_id AND st.day = k.day
        LEFT JOIN ch ON ch.organization_id = k.organization_id AND ch.agent_id = k.agent_id AND ch.day = k.day
        LEFT JOIN tr ON tr.organization_id = k.organization_id AND tr.agent_id = k.agent_id AND tr.day = k.day
        LEFT JOIN fr ON fr.organization_id = k.organization_id AND fr.agent_id = k.agent_id AND fr.day = k.day
        LEFT JOIN hd ON hd.organization_id = k.organization_id AND hd.agent_id = k.agent_id AND hd.day = k.day
        LEFT JOIN rs ON rs.organization_id = k.organization_id AND rs.agent_id = k.agent_id AND rs.day = k.day
        LEFT JOIN cs ON cs.organization_id = k.organization_id AND cs.agent_id = k.agent_id AND cs.day = k.day
        LEFT JOIN sl ON sl.organization_id = k.organization_id AND sl.agent_id = k.agent_id AND sl.day = k.day
        LEFT JOIN ce ON ce.organization_id = k.organization_id AND ce.agent_id = k.agent_id AND ce.day = k.day
    ),
    final AS (
      SELECT c.*,
             CASE WHEN chatting_seconds > 0 THEN chat_seconds / chatting_seconds END AS average_concurrency,
             (accepting_seconds = 0 AND not_accepting_seconds = 0 AND offline_seconds = 0 AND chats_handled = 0 AND transfers_out = 0
              AND first_responses = 0 AND responses = 0 AND handled_to_end = 0 AND csat_ratings = 0 AND missed_assigned = 0
              AND sla_missed = 0 AND ces_answers = 0) AS empty
        FROM computed c
    ),
    emptied AS (
      DELETE FROM metrics.agent_daily d USING final f
       WHERE f.empty AND d.organization_id = f.organization_id AND d.agent_id = f.agent_id AND d.day = f.day
    )
    INSERT INTO metrics.agent_daily AS d (
      organization_id, agent_id, day, time_zone, accepting_seconds, not_accepting_seconds, offline_seconds,
      chatting_seconds, idle_seconds, average_concurrency, chats_handled, first_responses,
      first_response_sum_seconds, first_response_sum_business_seconds, responses, response_sum_seconds,
      response_sum_business_seconds, handled_to_end, handle_sum_seconds, handle_sum_business_seconds,
      csat_ratings, csat_good, csat_sum, transfers_in, transfers_out, missed_assigned, sla_missed,
      ces_answers, ces_sum, ces_distribution)
    SELECT organization_id, agent_id, day, time_zone, accepting_seconds, not_accepting_seconds, offline_seconds,
           chatting_seconds, idle_seconds, average_concurrency, chats_handled, first_responses,
           first_response_sum_seconds, first_response_sum_business_seconds, responses, response_sum_seconds,
           response_sum_business_seconds, handled_to_end, handle_sum_seconds, handle_sum_business_seconds,
           csat_ratings, csat_good, csat_sum, transfers_in, transfers_out, missed_assigned, sla_missed,
           ces_answers, ces_sum, ces_distribution
      FROM final WHERE NOT empty
    ON CONFLICT (organization_id, agent_id, day) DO UPDATE SET
      time_zone = excluded.time_zone, accepting_seconds = excluded.accepting_seconds,
      not_accepting_seconds = excluded.not_accepting_seconds, offline_seconds = excluded.offline_seconds,
      chatting_seconds = excluded.chatting_seconds, idle_seconds = excluded.idle_seconds,
      average_concurrency = excluded.average_concurrency, chats_handled = excluded.chats_handled,
      first_responses = excluded.first_responses, first_response_sum_seconds = excluded.first_response_sum_seconds,
      first_response_sum_business_seconds = excluded.first_response_sum_business_seconds, responses = excluded.responses,
      response_sum_seconds = excluded.response_sum_seconds, response_sum_business_seconds = excluded.response_sum_business_seconds,
      handled_to_end = excluded.handled_to_end, handle_sum_seconds = excluded.handle_sum_seconds,
      handle_sum_business_seconds = excluded.handle_sum_business_seconds, csat_ratings = excluded.csat_ratings,
      csat_good = excluded.csat_good, csat_sum = excluded.csat_sum, transfers_in = excluded.transfers_in,
      transfers_out = excluded.transfers_out, missed_assigned = excluded.missed_assigned, sla_missed = excluded.sla_missed,
      ces_answers = excluded.ces_answers, ces_sum = excluded.ces_sum, ces_distribution = excluded.ces_distribution`;

async function recomputeGroupHours(trx: Transaction<MetricsDatabase>, keys: string[][]): Promise<void> {
  await trx.executeQuery(
    CompiledQuery.raw(GROUP_HOURS_SQL, [
      keys.map((k) => k[0]),
      keys.map((k) => k[1]),
      keys.map((k) => new Date(Number(k[2])).toISOString()),
    ]),
  );
}

/** The cycles started in each key's hour, in its group, and their SLA outcomes: a LATERAL aggregate per key, as AGENT_DAYS_SQL. */
const GROUP_HOURS_SQL = `
    WITH keys AS MATERIALIZED (
      SELECT k.organization_id, k.group_id, k.hour::timestamptz AS hour
        FROM unnest($1::text[], $2::text[], $3::text[]) AS k(organization_id, group_id, hour)
    ),
    computed AS (
      SELECT k.organization_id, k.group_id, k.hour, x.*
        FROM keys k
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS cycles_started,
                 count(*) FILTER (WHERE c.first_response_at IS NOT NULL)::int AS with_human_reply,
                 count(*) FILTER (WHERE c.end_reason = 'resolved')::int AS resolved,
                 count(*) FILTER (WHERE c.ended_at IS NULL)::int AS still_open,
                 count(*) FILTER (WHERE c.missed_reason = 'left_in_queue')::int AS missed_left_in_queue,
                 count(*) FILTER (WHERE c.missed_reason = 'unanswered')::int AS missed_unanswered,
                 count(*) FILTER (WHERE c.missed_reason = 'no_agents')::int AS missed_no_agents,
                 count(c.queue_seconds)::int AS queued,
                 coalesce(sum(c.queue_seconds), 0)::float8 AS queue_sum_seconds,
                 coalesce(sum(c.queue_business_seconds), 0)::float8 AS queue_sum_business_seconds,
                 coalesce(sum(c.first_response_seconds), 0)::float8 AS first_response_sum_seconds,
                 coalesce(sum(c.first_response_business_seconds), 0)::float8 AS first_response_sum_business_seconds,
                 count(c.handle_seconds)::int AS handled,
                 coalesce(sum(c.handle_seconds), 0)::float8 AS handle_sum_seconds,
                 coalesce(sum(c.handle_business_seconds), 0)::float8 AS handle_sum_business_seconds,
                 coalesce(sum(c.resolution_seconds), 0)::float8 AS resolution_sum_seconds,
                 coalesce(sum(c.resolution_business_seconds), 0)::float8 AS resolution_sum_business_seconds,
                 count(c.csat_score)::int AS csat_ratings,
                 count(*) FILTER (WHERE ${goodCsat('c.csat_score')})::int AS csat_good,
                 count(c.nps_score)::int AS nps_answers,
                 count(*) FILTER (WHERE c.nps_score >= 9)::int AS nps_promoters,
                 count(*) FILTER (WHERE c.nps_score <= 6)::int AS nps_detractors,
                 count(*) FILTER (WHERE c.converted)::int AS converted,
                 coalesce(sum(s.hit), 0)::int AS sla_hit,
                 coalesce(sum(s.missed), 0)::int AS sla_missed,
                 count(c.ces_score)::int AS ces_answers,
                 coalesce(sum(c.ces_score), 0)::int AS ces_sum,
                 ${cesDistribution('c.ces_score')} AS ces_distribution
            FROM metrics.conversation_cycles c
            LEFT JOIN LATERAL (
              SELECT count(*) FILTER (WHERE o.status = 'hit') AS hit, count(*) FILTER (WHERE o.status = 'missed') AS missed
                FROM metrics.sla_outcomes o WHERE o.conversation_id = c.conversation_id AND o.cycle = c.cycle) s ON true
           WHERE c.organization_id = k.organization_id AND c.group_id = k.group_id
             AND c.started_at >= k.hour AND c.started_at < k.hour + interval '1 hour') x
    ),
    emptied AS (
      DELETE FROM metrics.group_hourly g USING computed c
       WHERE c.cycles_started = 0 AND g.organization_id = c.organization_id AND g.group_id = c.group_id AND g.hour = c.hour
    )
    INSERT INTO metrics.group_hourly AS g
    SELECT * FROM computed WHERE cycles_started > 0
    ON CONFLICT (organization_id, group_id, hour) DO UPDATE SET
      cycles_started = excluded.cycles_started, with_human_reply = excluded.with_human_reply, resolved = excluded.resolved,
      still_open = excluded.still_open, missed_left_in_queue = excluded.missed_left_in_queue,
      missed_unanswered = excluded.missed_unanswered, missed_no_agents = excluded.missed_no_agents, queued = excluded.queued,
      queue_sum_seconds = excluded.queue_sum_seconds, queue_sum_business_seconds = excluded.queue_sum_business_seconds,
      first_response_sum_seconds = excluded.first_response_sum_seconds,
      first_response_sum_business_seconds = excluded.first_response_sum_business_seconds, handled = excluded.handled,
      handle_sum_seconds = excluded.handle_sum_seconds, handle_sum_business_seconds = excluded.handle_sum_business_seconds,
      resolution_sum_seconds = excluded.resolution_sum_seconds,
      resolution_sum_business_seconds = excluded.resolution_sum_business_seconds, csat_ratings = excluded.csat_ratings,
      csat_good = excluded.csat_good, nps_answers = excluded.nps_answers, nps_promoters = excluded.nps_promoters,
      nps_detractors = excluded.nps_detractors, converted = excluded.converted, sla_hit = excluded.sla_hit,
      sla_missed = excluded.sla_missed, ces_answers = excluded.ces_answers, ces_sum = excluded.ces_sum,
      ces_distribution = excluded.ces_distribution`;

/**
 * An organization whose time zone became known after some of its activity was projected (its
 * OrganizationCreated came late): its agent days are all dropped and every day its base rows
 * touch in the zone becomes dirty.
 */
async function addWholeOrganization(
  trx: Transaction<MetricsDatabase>,
  organizationId: string,
  keys: DerivedKeys,
): Promise<void> {
  await trx.deleteFrom('metrics.agent_daily').where('organization_id', '=', organizationId).execute();
  const { rows } = await trx.executeQuery<{ agent_id: string; day: string }>(
    CompiledQuery.raw(ORGANIZATION_DAYS_SQL, [organizationId]),
  );
  for (const row of rows) keys.agentDays.add([organizationId, row.agent_id, row.day].join(KEY_SEPARATOR));
}

const ORGANIZATION_DAYS_SQL = `
    WITH zone AS (SELECT coalesce((SELECT time_zone FROM metrics.organizations WHERE organization_id = $1), 'UTC') AS tz),
    spans AS (
      SELECT agent_id, started_at AS a, coalesce(ended_at, started_at) AS b FROM metrics.agent_status_intervals WHERE organization_id = $1
      UNION ALL SELECT agent_id, assigned_at, coalesce(released_at, assigned_at) FROM metrics.agent_assignments WHERE organization_id = $1
      UNION ALL SELECT first_response_agent_id, first_response_at, first_response_at FROM metrics.conversation_cycles WHERE organization_id = $1 AND first_response_agent_id IS NOT NULL
      UNION ALL SELECT a, ended_at, ended_at FROM metrics.conversation_cycles, unnest(assigned_agent_ids || last_agent_id) AS a WHERE organization_id = $1 AND ended_at IS NOT NULL AND a IS NOT NULL
      UNION ALL SELECT agent_id, replied_at, replied_at FROM metrics.responses WHERE organization_id = $1 AND agent_id IS NOT NULL AND replied_at IS NOT NULL
      UNION ALL SELECT agent_id, rated_at, rated_at FROM metrics.ratings WHERE organization_id = $1 AND agent_id IS NOT NULL
      UNION ALL SELECT agent_id, breached_at, breached_at FROM metrics.sla_outcomes WHERE organization_id = $1 AND agent_id IS NOT NULL AND breached_at IS NOT NULL
    )
    SELECT DISTINCT s.agent_id, d::date::text AS day
      FROM spans s, zone z,
           generate_series((s.a AT TIME ZONE z.tz)::date, (s.b AT TIME ZONE z.tz)::date, interval '1 day') AS d`;
