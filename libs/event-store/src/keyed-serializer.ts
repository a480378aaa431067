/**
 * Runs work for one key at a time, in arrival order; different keys run concurrently. The
 * commands one replica receives for a stream (a conversation, a ticket) queue here instead of
 * racing each other to the database, so version conflicts only arise between replicas.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
