import type { TicketEventView } from '@livedesk/contracts';

export interface TicketEventPage {
  events: TicketEventView[];
  hasMore: boolean;
  nextSinceVersion: number;
}

/**
 * One page of a ticket's history: `events` (oldest first, read with one more than the limit so
 * that `hasMore` is known) cut at `limit` and before `maxBytes` of JSON, keeping at least one
 * event. A ticket's replies are up to 65,536 characters each; a long thread read at once would
 * grow without bound.
 */
export function ticketEventPage(
  events: readonly TicketEventView[],
  sinceVersion: number,
  limit: number,
  maxBytes: number,
): TicketEventPage {
  const page: TicketEventView[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event));
    if (page.length >= limit || (page.length > 0 && bytes + size > maxBytes)) break;
    page.push(event);
    bytes += size;
  }
  return { events: page, hasMore: page.length < events.length, nextSinceVersion: page.at(-1)?.version ?? sinceVersion };
}
