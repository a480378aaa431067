import type { Kysely } from 'kysely';
import { z } from 'zod';
import { Id, SlaTarget, Timestamp } from '@livedesk/contracts';
import { divide } from '../domain/figures.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { DurationStats } from './duration-stats.js';
import { openNow, overviewTotals, type OverviewFilter, type OverviewTotals } from './overview-query.js';
import { readInSnapshot } from './read-snapshot.js';
import { Count, CountRatio, SlaFigures, TimeBasisSchema } from './report-schemas.js';

export const OverviewReport = z.object({
  organization_id: Id,
  from: Timestamp,
  to: Timestamp,
  time: TimeBasisSchema,
  group_id: Id.nullable(),
  agent_id: Id.nullable(),
  chats: z
    .object({
      started: Count.describe('Cycles started in the period (a reopen starts one)'),
      with_human_reply: CountRatio,
      missed: CountRatio.extend({
        by_reason: z.object({ left_in_queue: CountRatio, unanswered: CountRatio, no_agents: CountRatio }),
      }),
      resolved: CountRatio,
      still_open: CountRatio,
      open_now: Count.nullable().describe('Chats open at this moment, whatever the period; null with agent_id'),
      queued_now: CountRatio.nullable().describe(
        'Of the chats open now, those waiting in the queue (ratio over open_now); null with agent_id',
      ),
      tickets_created: CountRatio.extend({
        by_source: z.object({
          chat: Count.describe('Made by an agent from the chat'),
          missed_chat: Count.describe('Made from a missed chat'),
          offline_message: Count.describe('Made from the message a customer left when no agent could take the chat'),
        }),
      }).describe(
        "Tickets made from these chats (spam left out), whenever they were made; the ratio is over the chats started, a conversation's ticket counted once",
      ),
    })
    .describe('Ratios are over the chats started'),
  first_response: DurationStats.describe('FRT of the cycles with a human reply'),
  response: DurationStats.describe('Response time of every answered exchange (the first is the FRT)'),
  queue: DurationStats,
  resolution: z.object({
    first: DurationStats.describe("First resolution time: cycle 1's resolution"),
    full: DurationStats.describe("Full resolution time: the resolution of the conversation's last cycle"),
  }),
  handle: DurationStats.describe('Handle time (AHT): first human assignment to the end of the cycle'),
  longest_wait: DurationStats.describe("The cycles' longest answered exchange"),
  csat: z.object({
    ratings: Count,
    good: Count.describe('Ratings of 4 or 5'),
    percent: z.number().nullable().describe('good / ratings × 100'),
    average_score: z.number().nullable(),
  }),
  nps: z.object({
    answers: Count,
    promoters: Count.describe('9 or 10'),
    passives: Count.describe('7 or 8'),
    detractors: Count.describe('0 to 6'),
    score: z.number().nullable().describe('% promoters − % detractors, −100 to 100'),
  }),
  ces: z.object({
    answers: Count.describe('Answers to "how easy was it to get your issue handled?" (post-chat survey), 1 to 7'),
    average: z.number().nullable().describe('CES: the mean answer, 1 (very hard) to 7 (very easy)'),
    distribution: z
      .object({ 1: Count, 2: Count, 3: Count, 4: Count, 5: Count, 6: Count, 7: Count })
      .describe('The number of answers of each value'),
  }),
  sla: z.object({
    overall: SlaFigures,
    queue: SlaFigures,
    first_response: SlaFigures,
    next_response: SlaFigures,
    resolution: SlaFigures,
  }),
  conversion: z.object({
    conversations_with_human_reply: Count,
    converted: Count.describe('Conversations a goal was reported for'),
    converted_with_human_reply: Count,
    rate: z.number().nullable().describe('converted_with_human_reply / conversations_with_human_reply'),
  }),
});
export type OverviewReport = z.infer<typeof OverviewReport>;

/** `GET …/reports/overview`: the chats of the period and their figures (docs/metrics.md, Conversation figures). */
export async function overviewReport(db: Kysely<MetricsDatabase>, filter: OverviewFilter): Promise<OverviewReport> {
  const { totals, now } = await readInSnapshot(db, async (trx) => ({
    totals: await overviewTotals(trx, filter),
    now: filter.agentId === null ? await openNow(trx, filter.organizationId, filter.groupId) : null,
  }));
  const { cycles, ratings, tickets } = totals;
  const ofStarted = (count: number) => ({ count, ratio: divide(count, cycles.started) });
  return {
    organization_id: filter.organizationId,
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    time: filter.time,
    group_id: filter.groupId,
    agent_id: filter.agentId,
    chats: {
      started: cycles.started,
      with_human_reply: ofStarted(cycles.with_human_reply),
      missed: {
        ...ofStarted(cycles.missed),
        by_reason: {
          left_in_queue: ofStarted(cycles.left_in_queue),
          unanswered: ofStarted(cycles.unanswered),
          no_agents: ofStarted(cycles.no_agents),
        },
      },
      resolved: ofStarted(cycles.resolved),
      still_open: ofStarted(cycles.still_open),
      open_now: now?.open ?? null,
      queued_now: now === null ? null : { count: now.queued, ratio: divide(now.queued, now.open) },
      tickets_created: {
        ...ofStarted(tickets.chat + tickets.missed_chat + tickets.offline_message),
        by_source: tickets,
      },
    },
    first_response: totals.first_response,
    response: totals.response,
    queue: totals.queue,
    resolution: { first: totals.first_resolution, full: totals.full_resolution },
    handle: totals.handle,
    longest_wait: totals.longest_wait,
    csat: {
      ratings: ratings.csat_ratings,
      good: ratings.csat_good,
      percent: divide(ratings.csat_good, ratings.csat_ratings, 100),
      average_score: ratings.csat_average,
    },
    nps: {
      answers: ratings.nps_answers,
      promoters: ratings.nps_promoters,
      passives: ratings.nps_answers - ratings.nps_promoters - ratings.nps_detractors,
      detractors: ratings.nps_detractors,
      score: divide(ratings.nps_promoters - ratings.nps_detractors, ratings.nps_answers, 100),
    },
    ces: {
      answers: ratings.ces_answers,
      average: ratings.ces_average,
      distribution: Object.fromEntries(
        ratings.ces_distribution.map((count, i) => [i + 1, count]),
      ) as OverviewReport['ces']['distribution'],
    },
    sla: slaFigures(totals.sla),
    conversion: {
      conversations_with_human_reply: totals.conversion.with_human_reply,
      converted: totals.conversion.converted,
      converted_with_human_reply: totals.conversion.converted_with_human_reply,
      rate: divide(totals.conversion.converted_with_human_reply, totals.conversion.with_human_reply),
    },
  };
}

function slaFigures(rows: OverviewTotals['sla']): OverviewReport['sla'] {
  const of = (selected: OverviewTotals['sla']): SlaFigures => {
    const hit = selected.reduce((sum, row) => sum + row.hit, 0);
    const missed = selected.reduce((sum, row) => sum + row.missed, 0);
    const pending = selected.reduce((sum, row) => sum + row.pending, 0);
    return { hit, missed, pending, percent: divide(hit, hit + missed, 100) };
  };
  const target = (name: SlaTarget) => of(rows.filter((row) => row.target === name));
  return {
    overall: of(rows),
    queue: target('queue'),
    first_response: target('first_response'),
    next_response: target('next_response'),
    resolution: target('resolution'),
  };
}
