import type { Visitor } from '@livedesk/client';

/**
 * The visitors on the organization's site, from `visitor_updated` pushes and `list_visitors`
 * reads. As with the chat lists (chat-lists.ts), a read's answer can be older than a push that
 * arrived before it: the answer never drops a visitor pushed since the read was asked, nor puts
 * a visitor's older page over a newer one (by `last_seen_at`).
 */
export class VisitorList {
  readonly visitors = new Map<string, Visitor>();
  /** How many pushes came so far, and the count at each visitor's last push. */
  private pushes = 0;
  private readonly pushedAt = new Map<string, number>();

  pushed(visitor: Visitor): void {
    this.visitors.set(visitor.visitor_id, newer(this.visitors.get(visitor.visitor_id), visitor));
    this.pushedAt.set(visitor.visitor_id, ++this.pushes);
  }

  /** To be called when a read is asked; its answer goes to `replace` with what this returned. */
  asked(): number {
    return this.pushes;
  }

  /** The visitors of a read asked at `asked`, with the ones pushed since that it does not have yet. */
  replace(asked: number, listed: readonly Visitor[]): void {
    const held = new Map(this.visitors);
    this.visitors.clear();
    for (const visitor of listed) this.visitors.set(visitor.visitor_id, newer(held.get(visitor.visitor_id), visitor));
    for (const [visitorId, visitor] of held)
      if (!this.visitors.has(visitorId) && (this.pushedAt.get(visitorId) ?? 0) > asked)
        this.visitors.set(visitorId, visitor);
    for (const visitorId of this.pushedAt.keys()) if (!this.visitors.has(visitorId)) this.pushedAt.delete(visitorId);
  }
}

/** The later seen of two states of one visitor (the second when they tie). */
function newer(held: Visitor | undefined, other: Visitor): Visitor {
  return held && Date.parse(held.last_seen_at) > Date.parse(other.last_seen_at) ? held : other;
}
