/**
 * Visits every item once per period, spread over it: the period is cut into ticks of about
 * a second (TICK_MS), and each tick visits the items whose key falls in its slice. A gateway holds
 * thousands of sockets; its heartbeat (a ping each, every 30 s) and its presence refresh (a
 * report to routing each, every 20 s) used to visit them all at once: with 5,000 sockets the
 * heartbeat held the event loop for 250 ms, the refresh's burst of reports set young collections
 * of 25–44 ms running back to back, and every message in flight then waited (bench/RESULTS.md,
 * chat-latency, "the periodic sweeps"). Each item is still visited once a period, at the same
 * phase every period.
 */
const TICK_MS = 1000;

export interface SpreadSweepOptions<T> {
  /** Each item is visited once this often; a period of a tick or less is one slice (every item every tick). */
  periodMs: number;
  /** The items as they are now (read at every tick). */
  items: () => Iterable<T>;
  /** What places an item in a slice; the same key always falls in the same one. */
  keyOf: (item: T) => string;
  /** Visits one slice's items (possibly none). */
  visit: (items: T[]) => void;
}

export class SpreadSweep<T> {
  readonly slices: number;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SpreadSweepOptions<T>) {
    this.slices = Math.max(1, Math.round(options.periodMs / TICK_MS));
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.options.periodMs / this.slices);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Visits the next slice now (the timer calls this; a test may too). */
  tick(): void {
    const slice = this.next;
    this.next = (this.next + 1) % this.slices;
    const items: T[] = [];
    for (const item of this.options.items()) {
      if (this.slices === 1 || sliceOf(this.options.keyOf(item), this.slices) === slice) items.push(item);
    }
    this.options.visit(items);
  }
}

/** The slice of `slices` a key falls in: a 32-bit FNV-1a hash of it, so spread evenly for random ids. */
export function sliceOf(key: string, slices: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % slices;
}
