import type { LoadedConversation } from './conversation-stream.js';

/**
 * The last state this replica saw of each recently used conversation (keyed by stream id for
 * the commands, by chat id for the queries), so that a command needs no read before its
 * append. It is only a guess: the append names the version the state was folded at, and a
 * conflict (another replica moved the stream) drops the entry and reloads.
 */
export class ConversationCache {
  private readonly entries = new Map<string, LoadedConversation>();

  constructor(private readonly capacity = 10_000) {}

  get(key: string): LoadedConversation | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Map keeps insertion order: re-inserting makes this the most recently used entry.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, conversation: LoadedConversation): void {
    this.entries.delete(key);
    this.entries.set(key, conversation);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
