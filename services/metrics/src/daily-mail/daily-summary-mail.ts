import type { OverviewReport } from '../reports/overview-report.js';

/** Whose figures a section of the mail holds. */
export type SummaryScope = { kind: 'agent'; name: string } | { kind: 'group'; name: string } | { kind: 'organization' };

export interface SummarySection {
  scope: SummaryScope;
  /** The overview report of the day for that scope (docs/metrics.md, Counts and rates). */
  report: OverviewReport;
}

export interface DailySummaryMailInput {
  organizationName: string;
  recipientName: string;
  /** The day summarized, `YYYY-MM-DD` in the organization's time zone. */
  date: string;
  timeZone: string;
  sections: SummarySection[];
}

/**
 * The daily summary as an email (docs/metrics.md, The daily summary by email): for each scope
 * the day's chats, FRT, resolution time, CSAT and SLA, by the report definitions. Plain text, so
 * it reads the same in every mail client; "—" where there is nothing to measure.
 */
export function dailySummaryMail(input: DailySummaryMailInput): { subject: string; text: string } {
  const subject = `Daily summary ${input.date} — ${input.organizationName}`;
  const lines = [
    `Hello ${input.recipientName},`,
    '',
    `here are the figures of ${input.date} (${input.timeZone}) for ${input.organizationName}.`,
  ];
  for (const { scope, report } of input.sections) {
    lines.push('', titleOf(scope), ...figureLines(report));
  }
  lines.push(
    '',
    'You get this email because the daily summary is on for your account; an administrator can turn it off.',
  );
  return { subject, text: `${lines.join('\n')}\n` };
}

function titleOf(scope: SummaryScope): string {
  switch (scope.kind) {
    case 'agent':
      return `Your chats (${scope.name})`;
    case 'group':
      return `Group ${scope.name}`;
    case 'organization':
      return 'The whole organization';
  }
}

function figureLines(report: OverviewReport): string[] {
  const { chats, first_response: frt, resolution, csat, sla } = report;
  return [
    `  Chats: ${chats.started} started, ${chats.with_human_reply.count} answered, ${chats.resolved.count} resolved, ${chats.missed.count} missed`,
    `  First response time: ${seconds(frt.average_seconds)} on average, ${seconds(frt.median_seconds)} median (${frt.count} chats)`,
    `  Resolution time: ${seconds(resolution.first.average_seconds)} on average (first resolution of ${resolution.first.count} chats)`,
    `  CSAT: ${percent(csat.percent)} (${csat.good} of ${csat.ratings} ratings of 4 or 5)`,
    `  SLA: ${percent(sla.overall.percent)} met (${sla.overall.hit} hit, ${sla.overall.missed} missed)`,
  ];
}

/** 42 s, 3 min 5 s, 2 h 4 min; "—" for no value. */
export function seconds(value: number | null): string {
  if (value === null) return '—';
  const total = Math.round(value);
  if (total < 60) return `${total} s`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${rest} s`;
}

function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 10) / 10} %`;
}
