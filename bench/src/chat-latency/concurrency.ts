/**
 * Runs `work` over `items` with at most `limit` at a time and answers the results in order.
 * Opening thousands of sockets (each a TCP handshake, an HTTP upgrade and, for the real system,
 * a login and a durable start_chat) in bounded batches keeps the gateway's accept queue and the
 * event store's connection pool from being flooded at once.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Logs progress every `every` items: opening 5,000 connections takes a while. */
export function progress(what: string, total: number, every = 1000): () => void {
  let done = 0;
  const started = performance.now();
  return () => {
    done++;
    if (done % every === 0 || done === total) {
      console.log(`  ${what}: ${done}/${total} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  };
}
