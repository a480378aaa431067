import type { Kysely } from 'kysely';
import { z } from 'zod';
import { Id, Timestamp } from '@livedesk/contracts';
import { AGENT_FIGURES } from '../domain/agent-figures.js';
import { figuresOf } from '../domain/figures.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { agentTotals } from './agent-totals-query.js';
import { AGENT_FIGURE_DESCRIPTIONS } from './figure-descriptions.js';
import { figuresSchema, TimeBasisSchema } from './report-schemas.js';
import type { TimeBasis } from './time-basis.js';

export const AgentFigures = figuresSchema(AGENT_FIGURES, AGENT_FIGURE_DESCRIPTIONS);

export const AgentsReport = z.object({
  organization_id: Id,
  from: Timestamp,
  to: Timestamp,
  time: TimeBasisSchema,
  group_id: Id.nullable(),
  agents: z
    .array(z.object({ agent_id: Id, figures: AgentFigures }))
    .describe('Every human agent with a status or a chat in the period, by id'),
});
export type AgentsReport = z.infer<typeof AgentsReport>;

export interface AgentsReportFilter {
  organizationId: string;
  from: Date;
  to: Date;
  groupId: string | null;
  time: TimeBasis;
  now: Date;
}

/**
 * `GET …/reports/agents`: each agent's activity and chat figures in the period (docs/metrics.md,
 * Agent figures), what agent_daily holds per day but for any period, with the status intervals
 * and chats still open counted up to now and clipped to the period.
 */
export async function agentsReport(db: Kysely<MetricsDatabase>, filter: AgentsReportFilter): Promise<AgentsReport> {
  const rows = await agentTotals(db, {
    organizationId: filter.organizationId,
    windows: [{ from: filter.from, to: filter.to }],
    now: filter.now,
    groupId: filter.groupId,
    time: filter.time,
  });
  return {
    organization_id: filter.organizationId,
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    time: filter.time,
    group_id: filter.groupId,
    agents: rows.map((row) => ({ agent_id: row.agent_id, figures: figuresOf(AGENT_FIGURES, row.totals) })),
  };
}
