import { stringify } from 'csv-stringify/sync';
import type { DailySummary } from './daily-summary.js';

/**
 * The columns of the CSV export: one table, one row per figure of an agent or a team, and one
 * per SLA miss; each column means one thing, left empty where it does not apply, so a BI tool or
 * a spreadsheet filters it by `section` without parsing several tables out of one file.
 */
export const DAILY_CSV_COLUMNS = [
  'date',
  'section',
  'agent_id',
  'group_id',
  'figure',
  'day',
  'mean_7_days',
  'conversation_id',
  'cycle',
  'target',
  'exchange',
  'target_seconds',
  'business',
  'due_at',
  'breached_at',
  'breach_seconds',
] as const;

type CsvRow = Partial<Record<(typeof DAILY_CSV_COLUMNS)[number], string | number | boolean | null>>;

/** The daily summary as CSV (RFC 4180: quoted where needed, CRLF line ends, a header row). */
export function dailySummaryCsv(summary: DailySummary): string {
  const rows: CsvRow[] = [];
  const { date } = summary;
  for (const agent of summary.agents) {
    for (const [figure, value] of Object.entries(agent.figures)) {
      rows.push({
        date,
        section: 'agent',
        agent_id: agent.agent_id,
        figure,
        day: value.day,
        mean_7_days: value.mean_7_days,
      });
    }
  }
  for (const team of summary.teams) {
    for (const [figure, value] of Object.entries(team.figures)) {
      rows.push({
        date,
        section: 'team',
        group_id: team.group_id,
        figure,
        day: value.day,
        mean_7_days: value.mean_7_days,
      });
    }
  }
  for (const miss of summary.sla_misses) {
    rows.push({
      date,
      section: 'sla_miss',
      agent_id: miss.agent_id,
      group_id: miss.group_id,
      conversation_id: miss.conversation_id,
      cycle: miss.cycle,
      target: miss.target,
      exchange: miss.exchange,
      target_seconds: miss.target_seconds,
      business: miss.business,
      due_at: miss.due_at,
      breached_at: miss.breached_at,
      breach_seconds: miss.breach_seconds,
    });
  }
  return stringify(rows, {
    header: true,
    columns: [...DAILY_CSV_COLUMNS],
    record_delimiter: 'windows',
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  });
}
