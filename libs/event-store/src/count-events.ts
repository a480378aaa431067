import { sql, type QueryExecutorProvider } from 'kysely';

/** How many events the store holds, in every stream (a rebuild reports its progress against it). */
export async function countEvents(db: QueryExecutorProvider): Promise<number> {
  const { rows } = await sql<{ total: string }>`SELECT count(*) AS total FROM event_store.events`.execute(db);
  return Number(rows[0]!.total);
}
