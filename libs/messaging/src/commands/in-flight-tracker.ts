/**
 * Counts units of work that have started and not finished, so that a shutdown can wait for
 * them (with a deadline) before it closes the connection their results go out on.
 */
export class InFlightTracker<K extends object> {
  private readonly pending = new Set<K>();
  private idleWaiters: Array<() => void> = [];

  begin(key: K): void {
    this.pending.add(key);
  }

  end(key: K): void {
    if (!this.pending.delete(key) || this.pending.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves true once nothing is in flight, false if `timeoutMs` passes first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
