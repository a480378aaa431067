import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';

/**
 * A consumer's positions (`event_store.consumer_positions`): per stream, the version of the
 * last event it applied. `applyEvent` and `applyEventBatch` move them forward with the
 * consumer's writes; these are for the rest: a rebuild that resets and replays a consumer,
 * and readers that ask how far a consumer has got. Any `Kysely` or transaction runs them,
 * whatever its database type.
 */

/** Forgets every position of a consumer: it starts again from the first event of every stream. */
export async function resetConsumerPositions(db: QueryExecutorProvider, consumer: string): Promise<void> {
  await sql`DELETE FROM event_store.consumer_positions WHERE consumer = ${consumer}`.execute(db);
}

/**
 * Sets a consumer's positions in these streams (stream id → version), whatever they were: a
 * replay in commit order stores where it got, in the transaction of the writes it made.
 */
export async function storeConsumerPositions(
  db: QueryExecutorProvider,
  consumer: string,
  positions: ReadonlyMap<string, number>,
): Promise<void> {
  if (positions.size === 0) return;
  await sql`
    INSERT INTO event_store.consumer_positions AS p (consumer, stream_id, stream_version)
    SELECT ${consumer}, s.stream_id, s.stream_version
      FROM unnest(${[...positions.keys()]}::text[], ${[...positions.values()]}::bigint[]) AS s(stream_id, stream_version)
    ON CONFLICT (consumer, stream_id) DO UPDATE SET stream_version = excluded.stream_version`.execute(db);
}

/** A consumer's position in each of these streams (0: it applied none of its events). */
export async function readConsumerPositions(
  db: QueryExecutorProvider,
  consumer: string,
  streamIds: readonly string[],
): Promise<Map<string, number>> {
  const positions = new Map(streamIds.map((id) => [id, 0]));
  if (streamIds.length === 0) return positions;
  const { rows } = await sql<{ stream_id: string; stream_version: string }>`
    SELECT stream_id, stream_version FROM event_store.consumer_positions
     WHERE consumer = ${consumer} AND stream_id = ANY (${[...streamIds]}::text[])`.execute(db);
  for (const row of rows) positions.set(row.stream_id, Number(row.stream_version));
  return positions;
}

/** How many streams hold events the consumer has not applied yet (0: it has caught up with the store). */
export async function countStreamsBehind(db: QueryExecutorProvider, consumer: string): Promise<number> {
  const { rows } = await sql<{ behind: string }>`
    SELECT count(*) AS behind FROM event_store.streams s
      LEFT JOIN event_store.consumer_positions p ON p.stream_id = s.stream_id AND p.consumer = ${consumer}
     WHERE coalesce(p.stream_version, 0) < s.version`.execute(db);
  return Number(rows[0]!.behind);
}

/**
 * A SQL condition for a service's own query: the consumer has applied every event of the stream
 * whose id `streamId` gives (false for a stream that does not exist). The metrics SLA alerts
 * fire only for conversations the projection has caught up with.
 */
export function consumerHasCaughtUp(consumer: string, streamId: RawBuilder<string>): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (
    SELECT 1 FROM event_store.streams s
      JOIN event_store.consumer_positions p ON p.consumer = ${consumer} AND p.stream_id = s.stream_id AND p.stream_version >= s.version
     WHERE s.stream_id = ${streamId})`;
}
