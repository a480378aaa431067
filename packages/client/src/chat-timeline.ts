import type { ChatEventView } from './protocol.js';

/**
 * The events of one chat as the app sees them: each version once, in version order, whatever
 * mix of pushes, send responses and `get_chat` pages brought them.
 *
 * `contiguous` is the highest version up to which the client holds every event it may see — the
 * `since_version` of a catch-up. Versions the reader may not see (a customer never sees internal
 * notes, tags, priorities or goals) are never pushed, so a gap is not proof of a lost event: only a page
 * closes it, since a page's `next_since_version` covers hidden versions too (docs/limits.md).
 * Events past a gap wait in `pending` until a page or the missing push fills it.
 */
export class ChatTimeline {
  private contiguousVersion: number;
  private readonly pending = new Map<number, ChatEventView>();

  constructor(
    readonly chatId: string,
    sinceVersion: number,
    private readonly deliver: (event: ChatEventView) => void,
  ) {
    this.contiguousVersion = sinceVersion;
  }

  get contiguous(): number {
    return this.contiguousVersion;
  }

  /** Whether events wait behind a gap. */
  get hasGap(): boolean {
    return this.pending.size > 0;
  }

  /** An event from a push or a send's response; delivered now, kept for later, or dropped as a repeat. */
  offer(event: ChatEventView): void {
    if (event.version <= this.contiguousVersion || this.pending.has(event.version)) return;
    this.pending.set(event.version, event);
    this.drain();
  }

  /**
   * One `get_chat` page: complete for the versions it covers, so every version up to
   * `coveredUpTo` that it does not hold is one the reader may not see.
   */
  applyPage(events: readonly ChatEventView[], coveredUpTo: number): void {
    for (const event of [...events].sort((a, b) => a.version - b.version)) {
      if (event.version <= this.contiguousVersion) continue;
      this.pending.delete(event.version);
      this.contiguousVersion = event.version;
      this.deliver(event);
    }
    // Buffered events below the covered version were in the page or are hidden ones: drop them.
    for (const version of this.pending.keys()) if (version <= coveredUpTo) this.pending.delete(version);
    this.contiguousVersion = Math.max(this.contiguousVersion, coveredUpTo);
    this.drain();
  }

  private drain(): void {
    for (
      let next = this.pending.get(this.contiguousVersion + 1);
      next;
      next = this.pending.get(this.contiguousVersion + 1)
    ) {
      this.pending.delete(next.version);
      this.contiguousVersion = next.version;
      this.deliver(next);
    }
  }
}
