import { toChatEventView, type ChatAudience, type ChatEventView, type StoredChatEvent } from '@livedesk/contracts';

export interface ChatPageBounds {
  /** Events at or below this stream version are not in the page. */
  sinceVersion: number;
  /** The most events the page holds. */
  limit: number;
  /** The page adds no event past this many bytes of serialized events (but always holds one). */
  maxBytes: number;
  audience: ChatAudience;
}

export interface ChatEventPage {
  events: ChatEventView[];
  hasMore: boolean;
  /** The version the page covers up to, hidden events included: the next page's `since_version`. */
  nextSinceVersion: number;
}

/**
 * One page of a chat's events as `get_chat` answers it, oldest first. The page is bounded by
 * count and by its serialized size, so that no reply nears NATS' `max_payload` (a chat over
 * 1 MB answered `unavailable` to everyone when get_chat returned every event at once). Events
 * the audience may not see are skipped but covered, so the next page starts after them.
 */
export function chatEventPage(events: readonly StoredChatEvent[], bounds: ChatPageBounds): ChatEventPage {
  const page: ChatEventView[] = [];
  let bytes = 0;
  let covered = bounds.sinceVersion;
  for (const event of events) {
    if (event.version <= bounds.sinceVersion) continue;
    const view = toChatEventView(event, bounds.audience);
    if (view === null) {
      covered = event.version;
      continue;
    }
    const size = Buffer.byteLength(JSON.stringify(view));
    if (page.length >= bounds.limit || (page.length > 0 && bytes + size > bounds.maxBytes)) {
      return { events: page, hasMore: true, nextSinceVersion: covered };
    }
    page.push(view);
    bytes += size;
    covered = event.version;
  }
  return { events: page, hasMore: false, nextSinceVersion: covered };
}
