import { sql, type RawBuilder } from 'kysely';

/** Calendar seconds, or seconds inside the business calendar of each cycle's SLA policy (docs/metrics.md). */
export type TimeBasis = 'calendar' | 'business';

/**
 * The column of a duration in the chosen basis: every duration is stored twice,
 * `<name>_seconds` and `<name>_business_seconds` (`duration('c.queue', 'business')` is
 * `c.queue_business_seconds`). `name` is always a constant of the query, never input.
 */
export function duration(name: string, time: TimeBasis): RawBuilder<number | null> {
  return sql.raw(`${name}${time === 'business' ? '_business' : ''}_seconds`);
}
