/** The period a report covers: from (inclusive) to (exclusive). */
export interface ReportPeriod {
  from: Date;
  to: Date;
}

export const DEFAULT_PERIOD_DAYS = 7;
/** A leap year: a report "over the last year" must not be refused in one. */
export const MAX_PERIOD_DAYS = 366;

const DAY_MS = 86_400_000;

export type PeriodRefusal = { reason: 'period_reversed' | 'period_too_long'; message: string };

/**
 * The period of `from`/`to` as given (ISO instants, already checked), `to` defaulting to now and
 * `from` to `DEFAULT_PERIOD_DAYS` before `to`. Refused: a period that ends before it starts or is
 * empty, and one longer than `MAX_PERIOD_DAYS` (a report over years would scan years of rows in
 * one request; a BI tool reads the tables for that).
 */
export function resolvePeriod(
  given: { from?: string | undefined; to?: string | undefined },
  now: Date,
): ReportPeriod | PeriodRefusal {
  const to = given.to === undefined ? new Date(now.getTime()) : new Date(given.to);
  const from = given.from === undefined ? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS) : new Date(given.from);
  if (from.getTime() >= to.getTime()) {
    return {
      reason: 'period_reversed',
      message: `from (${from.toISOString()}) must be before to (${to.toISOString()})`,
    };
  }
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days > MAX_PERIOD_DAYS) {
    return {
      reason: 'period_too_long',
      message: `a report covers at most ${MAX_PERIOD_DAYS} days; from ${from.toISOString()} to ${to.toISOString()} is ${Math.ceil(days)} days`,
    };
  }
  return { from, to };
}

export function isRefusal(period: ReportPeriod | PeriodRefusal): period is PeriodRefusal {
  return 'reason' in period;
}
