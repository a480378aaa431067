/** How many requests one batch holds, and how many batches may be in flight at once. */
export interface MicroBatcherOptions {
  /** The most requests one call of `run` answers (default 500). */
  maxBatch?: number;
  /** The most calls of `run` in flight at once (default 2): later requests wait and join the next batch. */
  maxInFlight?: number;
}

/**
 * Answers many concurrent requests with few calls of `run` (one SQL statement for many
 * `get_chat` or login lookups, say). A request waits at most until the end of the current
 * turn of the event loop when a batch may start; while `maxInFlight` batches are running,
 * the requests that arrive gather and go together when one ends — so the batches grow with
 * the load and a lone request is not delayed. `run` answers each request in order with its
 * value or an `Error`: a request's own error reaches that request only; `run` failing as a
 * whole fails each request of its batch.
 */
export class MicroBatcher<Request, Reply> {
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private waiting: { request: Request; resolve: (reply: Reply) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (requests: readonly Request[]) => Promise<readonly (Reply | Error)[]>,
    options: MicroBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  load(request: Request): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.slice(0, this.maxBatch);
      this.waiting = this.waiting.slice(batch.length);
      this.inFlight += 1;
      void this.answer(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  private async answer(batch: typeof this.waiting): Promise<void> {
    let replies: readonly (Reply | Error)[];
    try {
      replies = await this.run(batch.map((entry) => entry.request));
      if (replies.length !== batch.length)
        throw new Error(`a batch of ${batch.length} requests was answered with ${replies.length} replies`);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const reply = replies[i] as Reply | Error;
      if (reply instanceof Error) entry.reject(reply);
      else entry.resolve(reply);
    });
  }
}
