import { CHAT_PAGE_MAX_EVENTS, type ChatEventView } from '@livedesk/contracts';

/** One answer of get_chat as far as reading events goes. */
export interface ChatEventsPage {
  events: readonly ChatEventView[];
  has_more?: boolean;
  /** Where the next page starts (past events this reader may not see, too). */
  next_since_version?: number;
}

/**
 * The chat's events after `sinceVersion` and before `beforeVersion`, oldest first, read with
 * get_chat since_version page after page while it answers `has_more`: the one place that
 * knows how get_chat pages.
 */
export async function readChatEventsBetween(
  readPage: (sinceVersion: number, limit: number) => Promise<ChatEventsPage>,
  sinceVersion: number,
  beforeVersion: number,
): Promise<ChatEventView[]> {
  const events: ChatEventView[] = [];
  let since = sinceVersion;
  for (;;) {
    const page = await readPage(since, Math.min(CHAT_PAGE_MAX_EVENTS, Math.max(1, beforeVersion - 1 - since)));
    events.push(...page.events.filter((event) => event.version > since && event.version < beforeVersion));
    const last = page.next_since_version ?? page.events.at(-1)?.version;
    if (page.has_more !== true || last === undefined || last <= since || last >= beforeVersion - 1) return events;
    since = last;
  }
}
