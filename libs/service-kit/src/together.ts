/**
 * Steps that do not wait on each other's answers, run at once: the Redis commands of one event's
 * steps (then sent in one write, by auto-pipelining), a rebuild's parallel transactions. Waits for
 * every step, then throws the first failure, if any, so that nothing is retried, and no
 * connection let go, while one of the steps still runs. Answers the steps' values, in order, as
 * `Promise.all` does.
 */
export async function together<T extends readonly unknown[] | []>(
  steps: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(steps);
  for (const step of settled) if (step.status === 'rejected') throw step.reason;
  return settled.map((step) => (step as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
