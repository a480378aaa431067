import type { ChatSummary } from '@livedesk/client';

/** mine: assigned to this agent; queued: waiting for anyone; other: another agent's (the supervisors' Active list). */
export type ChatQueue = 'mine' | 'queued' | 'other';

/** What the desk's lists hold of one chat. */
export interface ListedChat {
  summary: ChatSummary;
  queue: ChatQueue;
  /** The push count (`ChatLists.pushes`) when a push last set this entry. */
  pushedAt?: number;
  /** Why the chat ended for this agent (a push, or their own transfer): it stays listed, readable, until they move on. */
  ended?: string;
}

/**
 * The desk's chats, from the pushes (`incoming_chat`, which makes a chat mine) and from
 * `list_chats` answers, read again when a push says the queues changed.
 *
 * A list is read over the network while pushes keep arriving, so its answer can be older than
 * a push that came before it: a `chat_queued` makes the desk read the lists, routing assigns the
 * chat while they are read, `incoming_chat` arrives, and then the answer that still has the chat
 * in the queue. The answer must not undo the push:
 * - a summary older (lower version) than the one the desk holds is not taken;
 * - a chat a push brought after the read was asked stays, although no list of the answer has it.
 */
export class ChatLists<Entry extends ListedChat> {
  readonly chats = new Map<string, Entry>();
  /** How many pushes set an entry so far: a read remembers it when asked (`asked`). */
  private pushes = 0;

  /** A push about one chat: the entry as the push says it, merged into what the desk holds. */
  pushed(chatId: string, update: (current: Entry | undefined) => Entry): Entry {
    const entry = update(this.chats.get(chatId));
    entry.pushedAt = ++this.pushes;
    this.chats.set(chatId, entry);
    return entry;
  }

  /** To be called when a read of the lists is asked; its answer goes to `merge` with what this returned. */
  asked(): number {
    return this.pushes;
  }

  /**
   * Merges the lists of a read asked at `asked`. Later lists win where a chat is in two at the same
   * version (a supervisor's Active list has chats that are also mine or queued). Chats in no list
   * leave, except those `keep` holds (the desk: ended ones, and the open one unless it was queued)
   * and those pushed since the read was asked.
   */
  merge(
    asked: number,
    lists: readonly (readonly [ChatQueue, readonly ChatSummary[]])[],
    keep: (chatId: string, entry: Entry) => boolean,
    create: (summary: ChatSummary, queue: ChatQueue) => Entry,
  ): void {
    const seen = new Set<string>();
    for (const [queue, list] of lists) {
      for (const summary of list) {
        seen.add(summary.chat_id);
        const entry = this.chats.get(summary.chat_id);
        if (!entry) this.chats.set(summary.chat_id, create(summary, queue));
        else if (summary.version >= entry.summary.version) Object.assign(entry, { summary, queue });
      }
    }
    for (const [chatId, entry] of this.chats) {
      if (seen.has(chatId) || keep(chatId, entry)) continue;
      if ((entry.pushedAt ?? 0) > asked) continue;
      this.chats.delete(chatId);
    }
  }
}
