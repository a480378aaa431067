/**
 * Steps of one event that do not wait on each other's answers, run at once (their Redis commands
 * then go in one write: auto-pipelining). Waits for every step, then throws the first failure, if
 * any, so that a failed event is tried again only once none of its steps is still running.
 * Answers the steps' values, in order, as `Promise.all` does.
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
