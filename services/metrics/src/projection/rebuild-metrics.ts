import { sql, type Kysely } from 'kysely';
import { applyEventBatch, readAll, START, type ReadAllResult } from '@livedesk/event-store';
import { METRICS_CONSUMER, type MetricsProjector } from './metrics-projector.js';
import { PROJECTED_TABLES, type MetricsDatabase } from './metrics-tables.js';

export interface RebuildProgress {
  /** events read from the event store so far */
  events: number;
  /** events in the event store when the rebuild started (more may come while it runs) */
  total: number;
}

export interface RebuildOptions {
  /** Events per transaction (default 5000). */
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void | Promise<void>;
}

/**
 * Drops every row the projection wrote and replays the whole event store through the same
 * `MetricsProjector.apply` that live consumption runs, in commit-safe order, a transaction per
 * batch that also stores the consumer's stream positions (so live consumption resumes right
 * after the last event replayed). The next batch is read while the current one is written.
 * Live consumption must be stopped meanwhile (the projection runner does that).
 */
export async function rebuildMetrics(
  db: Kysely<MetricsDatabase>,
  projector: Pick<MetricsProjector, 'apply' | 'reset'>,
  options: RebuildOptions = {},
): Promise<RebuildProgress> {
  const batchSize = options.batchSize ?? 5000;
  projector.reset();
  const { rows } = await sql<{ total: string }>`SELECT count(*) AS total FROM event_store.events`.execute(db);
  const total = Number(rows[0]!.total);
  await db.transaction().execute(async (trx) => {
    await sql.raw(`TRUNCATE ${PROJECTED_TABLES.join(', ')}`).execute(trx);
    await sql`DELETE FROM event_store.consumer_positions WHERE consumer = ${METRICS_CONSUMER}`.execute(trx);
  });
  const read = (after: ReadAllResult['checkpoint']) => readAll(db as Kysely<any>, { after, limit: batchSize });
  let events = 0;
  let next = read(START);
  try {
    for (;;) {
      const batch = await next;
      if (batch.events.length === 0) {
        if (!batch.heldBack) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
        next = read(batch.checkpoint);
        continue;
      }
      next = read(batch.checkpoint);
      await applyEventBatch(db, METRICS_CONSUMER, batch.events, (toApply, trx) => projector.apply(toApply, trx));
      events += batch.events.length;
      await options.onProgress?.({ events, total: Math.max(total, events) });
    }
  } catch (error) {
    projector.reset();
    await next.catch(() => undefined);
    throw error;
  }
  return { events, total: Math.max(total, events) };
}
