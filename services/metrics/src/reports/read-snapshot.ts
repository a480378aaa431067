import type { Kysely, Transaction } from 'kysely';
import type { MetricsDatabase } from '../projection/metrics-tables.js';

/**
 * Runs a report's queries in one read-only snapshot: the projector writes while reports read,
 * and the counts of one query must agree with the sums of the next (a cycle counted as started
 * but missing from its SLA outcomes would make the report contradict itself).
 */
export function readInSnapshot<T>(
  db: Kysely<MetricsDatabase>,
  work: (trx: Transaction<MetricsDatabase>) => Promise<T>,
): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(work);
}
