import type { Kysely } from 'kysely';
import { z } from 'zod';
import { Id, SlaTarget, Timestamp } from '@livedesk/contracts';
import { AGENT_FIGURES, AGENT_TOTAL_KEYS, type AgentFigure } from '../domain/agent-figures.js';
import { compareWithDaysBefore, zeroTotals, type Comparison, type FigureSpec, type Totals } from '../domain/figures.js';
import { dayWindow, daysBefore, yesterday, type Window } from '../domain/local-windows.js';
import { TEAM_FIGURES, TEAM_TOTAL_KEYS, type TeamFigure } from '../domain/team-figures.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { agentTotals } from './agent-totals-query.js';
import { AGENT_FIGURE_DESCRIPTIONS, TEAM_FIGURE_DESCRIPTIONS } from './figure-descriptions.js';
import { organizationZone } from './organization-zone.js';
import { readInSnapshot } from './read-snapshot.js';
import { comparisonsSchema, TimeBasisSchema } from './report-schemas.js';
import { slaMisses } from './sla-misses-query.js';
import { teamTotals } from './team-totals-query.js';
import type { TimeBasis } from './time-basis.js';

/** The days a day is compared with. */
export const DAYS_COMPARED = 7;

export const SlaMissView = z.object({
  conversation_id: Id,
  cycle: z.number().int(),
  target: SlaTarget,
  exchange: z.number().int().describe('For next_response, the exchange that missed; 0 otherwise'),
  group_id: Id,
  agent_id: Id.nullable().describe('Who held the conversation at the breach'),
  policy_id: Id,
  target_seconds: z.number().int(),
  business: z.boolean().describe('The target counts business time'),
  due_at: Timestamp,
  breached_at: Timestamp,
  breach_seconds: z.number().nullable().describe('By how much, in the chosen time basis; null while the cycle is open'),
});

export const DailySummary = z.object({
  organization_id: Id,
  date: z.iso.date(),
  time_zone: z.string().describe("The organization's time zone the day is in"),
  time: TimeBasisSchema,
  from: Timestamp.describe('Start of the day'),
  to: Timestamp.describe('End of the day'),
  compared_with: z.object({ from: Timestamp, to: Timestamp, days: z.number().int() }),
  agents: z.array(z.object({ agent_id: Id, figures: comparisonsSchema(AGENT_FIGURES, AGENT_FIGURE_DESCRIPTIONS) })),
  teams: z.array(z.object({ group_id: Id, figures: comparisonsSchema(TEAM_FIGURES, TEAM_FIGURE_DESCRIPTIONS) })),
  sla_misses: z.array(SlaMissView).describe('The SLA targets breached that day, in order'),
});
export type DailySummary = z.infer<typeof DailySummary>;

export interface DailySummaryRequest {
  organizationId: string;
  /** `YYYY-MM-DD` in the organization's zone; null: yesterday */
  date: string | null;
  time: TimeBasis;
  now: Date;
}

/**
 * `GET …/reports/daily`: per agent and per team, the day's figures against the mean of the 7
 * days before it, and the chats that missed their SLA that day (docs/metrics.md, Agent figures). The
 * days are local days of the organization's zone. Agent figures are computed from the base
 * tables like the agents report rather than read from agent_daily: agent_daily leaves out what
 * is still open, and the most common open interval is an agent offline since last night.
 */
export async function dailySummary(db: Kysely<MetricsDatabase>, request: DailySummaryRequest): Promise<DailySummary> {
  return readInSnapshot(db, async (trx) => {
    const zone = await organizationZone(trx, request.organizationId);
    const date = request.date ?? yesterday(request.now, zone);
    const windows: Window[] = [date, ...daysBefore(date, DAYS_COMPARED)].map((day) => dayWindow(day, zone));
    const agents = await agentTotals(trx, {
      organizationId: request.organizationId,
      windows,
      now: request.now,
      groupId: null,
      time: request.time,
    });
    const teams = await teamTotals(trx, request.organizationId, windows, request.time);
    const misses = await slaMisses(trx, request.organizationId, windows[0]!, request.time);
    const day = windows[0]!;
    const earliest = windows.at(-1)!;
    return {
      organization_id: request.organizationId,
      date,
      time_zone: zone,
      time: request.time,
      from: day.from.toISOString(),
      to: day.to.toISOString(),
      compared_with: { from: earliest.from.toISOString(), to: day.from.toISOString(), days: DAYS_COMPARED },
      agents: compareEach(
        agents.map((row) => ({ id: row.agent_id, window: row.window, totals: row.totals })),
        AGENT_FIGURES,
        AGENT_TOTAL_KEYS,
      ).map(({ id, figures }) => ({ agent_id: id, figures: figures as Record<AgentFigure, DayComparisonValue> })),
      teams: compareEach(
        teams.map((row) => ({ id: row.group_id, window: row.window, totals: row.totals })),
        TEAM_FIGURES,
        TEAM_TOTAL_KEYS,
      ).map(({ id, figures }) => ({ group_id: id, figures: figures as Record<TeamFigure, DayComparisonValue> })),
      sla_misses: misses.map((miss) => ({
        ...miss,
        target: miss.target as SlaTarget,
        due_at: miss.due_at.toISOString(),
        breached_at: miss.breached_at.toISOString(),
      })),
    };
  });
}

type DayComparisonValue = { day: number | null; mean_7_days: number | null };

/** Each subject's day (window 0) against windows 1…7; a window without a row is a day of zeros. */
function compareEach<F extends string, K extends string>(
  rows: { id: string; window: number; totals: Totals<K> }[],
  specs: Record<F, FigureSpec<K>>,
  keys: readonly K[],
): { id: string; figures: Record<F, DayComparisonValue> }[] {
  const bySubject = new Map<string, Totals<K>[]>();
  for (const row of rows) {
    let days = bySubject.get(row.id);
    if (!days) bySubject.set(row.id, (days = Array.from({ length: DAYS_COMPARED + 1 }, () => zeroTotals(keys))));
    days[row.window] = row.totals;
  }
  return [...bySubject.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, [day, ...before]]) => {
      const compared = compareWithDaysBefore(specs, day!, before);
      const figures = {} as Record<F, DayComparisonValue>;
      for (const name of Object.keys(compared) as F[]) figures[name] = view(compared[name]);
      return { id, figures };
    });
}

function view(comparison: Comparison): DayComparisonValue {
  return { day: comparison.value, mean_7_days: comparison.mean };
}
