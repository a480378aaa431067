/**
 * At most `concurrency` tasks at once; waiting tasks are queued per group (a client address),
 * and a freed slot goes to the waiting group with the fewest tasks running (the longest waiting
 * of those first): a group with many tasks queued (one address spraying guesses) holds another
 * group's task back by one slot freeing, not by its whole queue. Within a group, first come,
 * first served.
 */
export class FairSlots {
  private running = 0;
  private readonly runningByGroup = new Map<string, number>();
  /** Waiting tasks by group, in the order the groups started waiting. */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly concurrency: number) {}

  async run<T>(group: string, task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running += 1;
    else await new Promise<void>((start) => this.enqueue(group, start));
    this.runningByGroup.set(group, (this.runningByGroup.get(group) ?? 0) + 1);
    try {
      return await task();
    } finally {
      const left = this.runningByGroup.get(group)! - 1;
      if (left > 0) this.runningByGroup.set(group, left);
      else this.runningByGroup.delete(group);
      this.next();
    }
  }

  /** Tasks waiting for a slot and groups with tasks running (for tests: nothing is kept once they ran). */
  get tracked(): { waiting: number; runningGroups: number } {
    let waiting = 0;
    for (const queue of this.waiting.values()) waiting += queue.length;
    return { waiting, runningGroups: this.runningByGroup.size };
  }

  private enqueue(group: string, start: () => void): void {
    const queue = this.waiting.get(group);
    if (queue) queue.push(start);
    else this.waiting.set(group, [start]);
  }

  /** A slot freed: it passes to the first task of the waiting group with the fewest running, or is released. */
  private next(): void {
    let chosen: string | undefined;
    let fewest = Infinity;
    for (const group of this.waiting.keys()) {
      const running = this.runningByGroup.get(group) ?? 0;
      if (running < fewest) [chosen, fewest] = [group, running];
      if (running === 0) break;
    }
    if (chosen === undefined) {
      this.running -= 1;
      return;
    }
    const queue = this.waiting.get(chosen)!;
    const start = queue.shift()!;
    // Served: the group waits again behind the others.
    this.waiting.delete(chosen);
    if (queue.length > 0) this.waiting.set(chosen, queue);
    start();
  }
}
