import { z } from 'zod';
import type { FigureSpec } from '../domain/figures.js';

/** Pieces the reports' answers share. */

export const TimeBasisSchema = z.enum(['calendar', 'business']);

export const Count = z.number().int().nonnegative();

/** A count, and its share of a whole (0–1); null when the whole is 0. */
export const CountRatio = z.object({
  count: Count,
  ratio: z.number().nullable(),
});

/** SLA outcomes of one target (or all): SLA % = hit / (hit + missed) × 100, pending left out. */
export const SlaFigures = z.object({
  hit: Count,
  missed: Count,
  pending: Count,
  percent: z.number().nullable().describe('hit / (hit + missed) × 100; null when nothing was decided'),
});
export type SlaFigures = z.infer<typeof SlaFigures>;

/**
 * The answer schema of a set of figures: a total is a number, a ratio a number or null (nothing
 * to divide by), each described for the OpenAPI document.
 */
export function figuresSchema<F extends string>(
  specs: Record<F, FigureSpec<string>>,
  descriptions: Record<F, string>,
): z.ZodType<Record<F, number | null>> {
  const shape: Record<string, z.ZodType> = {};
  for (const name of Object.keys(specs) as F[]) {
    const base = specs[name].kind === 'total' ? z.number() : z.number().nullable();
    shape[name] = base.describe(descriptions[name]);
  }
  return z.object(shape) as unknown as z.ZodType<Record<F, number | null>>;
}

/** A figure on a day against the 7 days before it. */
export const DayComparison = z.object({
  day: z.number().nullable(),
  mean_7_days: z
    .number()
    .nullable()
    .describe('Totals: the mean per day; averages and percentages: over all 7 days together'),
});

/** The answer schema of a set of figures, each compared with the 7 days before. */
export function comparisonsSchema<F extends string>(
  specs: Record<F, FigureSpec<string>>,
  descriptions: Record<F, string>,
): z.ZodType<Record<F, z.infer<typeof DayComparison>>> {
  const shape: Record<string, z.ZodType> = {};
  for (const name of Object.keys(specs) as F[]) shape[name] = DayComparison.describe(descriptions[name]);
  return z.object(shape) as unknown as z.ZodType<Record<F, z.infer<typeof DayComparison>>>;
}
