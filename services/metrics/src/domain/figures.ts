/**
 * A report figure read off counts and sums (the columns of agent_daily and group_hourly, or the
 * same totals computed over any window):
 * - `total`: a count or a number of seconds, as it is;
 * - `ratio`: `part / whole × scale` (an average is a sum over a count, a percentage a count over
 *   a count × 100); null when `whole` is 0, since "no chats" is not "an average of 0 s".
 */
export type FigureSpec<K extends string> =
  | { kind: 'total'; of: K }
  | { kind: 'ratio'; part: K; whole: K; scale: number };

export type Totals<K extends string> = Record<K, number>;

export const total = <K extends string>(of: K): FigureSpec<K> => ({ kind: 'total', of });
export const ratio = <K extends string>(part: K, whole: K, scale = 1): FigureSpec<K> => ({
  kind: 'ratio',
  part,
  whole,
  scale,
});

/** `part / whole × scale`, or null when there is nothing to divide by. */
export function divide(part: number, whole: number, scale = 1): number | null {
  return whole === 0 ? null : (part / whole) * scale;
}

export function figureValue<K extends string>(spec: FigureSpec<K>, totals: Totals<K>): number | null {
  return spec.kind === 'total' ? totals[spec.of] : divide(totals[spec.part], totals[spec.whole], spec.scale);
}

/** Every figure of `specs` from one window's totals. */
export function figuresOf<F extends string, K extends string>(
  specs: Record<F, FigureSpec<K>>,
  totals: Totals<K>,
): Record<F, number | null> {
  const figures = {} as Record<F, number | null>;
  for (const name of Object.keys(specs) as F[]) figures[name] = figureValue(specs[name], totals);
  return figures;
}

export interface Comparison {
  /** the figure on the day */
  value: number | null;
  /** the figure over the days before it */
  mean: number | null;
}

/**
 * A day's figures against the days before it. A total is compared with its mean per day (a day
 * without a row counts as 0: an agent's day off lowers their mean of chats handled). A ratio is
 * compared with the ratio over all the earlier days' counts together: the mean FRT of the week
 * is the mean over the week's first responses, where a mean of daily means would weigh a day of
 * one chat like a day of fifty.
 */
export function compareWithDaysBefore<F extends string, K extends string>(
  specs: Record<F, FigureSpec<K>>,
  day: Totals<K>,
  daysBefore: readonly Totals<K>[],
): Record<F, Comparison> {
  const comparisons = {} as Record<F, Comparison>;
  const sum = (key: K) => daysBefore.reduce((acc, totals) => acc + totals[key], 0);
  for (const name of Object.keys(specs) as F[]) {
    const spec = specs[name];
    const mean =
      spec.kind === 'total'
        ? daysBefore.length === 0
          ? null
          : sum(spec.of) / daysBefore.length
        : divide(sum(spec.part), sum(spec.whole), spec.scale);
    comparisons[name] = { value: figureValue(spec, day), mean };
  }
  return comparisons;
}

/** Totals with every key 0: a window in which the subject did nothing. */
export function zeroTotals<K extends string>(keys: readonly K[]): Totals<K> {
  const totals = {} as Totals<K>;
  for (const key of keys) totals[key] = 0;
  return totals;
}
