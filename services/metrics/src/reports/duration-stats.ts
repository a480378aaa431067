import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';

/** A duration's distribution over the rows of a report: nulls (no such duration) left out. */
export const DurationStats = z.object({
  count: z.number().int(),
  average_seconds: z.number().nullable(),
  median_seconds: z.number().nullable(),
  p90_seconds: z.number().nullable(),
  max_seconds: z.number().nullable(),
});
export type DurationStats = z.infer<typeof DurationStats>;

/**
 * The aggregate of `value` as a JSON object that parses as `DurationStats`. The median and the
 * 90th percentile are `percentile_cont`: interpolated between the two nearest values, so the
 * median of 40, 40, 110 and 5695 seconds is 75 s.
 */
export function durationStats(value: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`json_build_object(
    'count', count(${value}),
    'average_seconds', avg(${value}),
    'median_seconds', percentile_cont(0.5) WITHIN GROUP (ORDER BY ${value}),
    'p90_seconds', percentile_cont(0.9) WITHIN GROUP (ORDER BY ${value}),
    'max_seconds', max(${value}))`;
}
