/** A chat that entered a group's queue, as `chat_queued` and `chats_queued` name it. */
export interface QueuedChat {
  chat_id: string;
  version: number;
  group_id: string;
}

/** At most this many chats in one `chats_queued` push; more go in several. */
export const MAX_CHATS_PER_NOTICE = 500;

type Timer = ReturnType<typeof setTimeout>;

interface Window<Notice> {
  /** chat id → the latest notice of it in this window */
  pending: Map<string, Notice>;
  timer: Timer;
}

/**
 * Coalesces the queue notices of each organization, so that every agent socket gets at most one
 * frame per `intervalMs` however many chats start: with 100 chats a second and 1,000 agents
 * online, 4,000 frames a second instead of 100,000. The first chat after a quiet period goes out
 * at once; the ones queued during the period after it go together at its end, the latest notice
 * of each chat only. `send` gets the organization and one batch (never empty, at most
 * MAX_CHATS_PER_NOTICE). With an interval of 0 each notice goes out at once. The chats that left
 * the queues (`chats_dequeued`) are coalesced the same way, in windows of their own.
 */
export class QueueNotices<Notice extends { chat_id: string } = QueuedChat> {
  private readonly windows = new Map<string, Window<Notice>>();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (organizationId: string, chats: Notice[]) => void,
    private readonly timers: { set: (run: () => void, ms: number) => Timer; clear: (timer: Timer) => void } = {
      set: (run, ms) => setTimeout(run, ms),
      clear: (timer) => clearTimeout(timer),
    },
  ) {}

  add(organizationId: string, chat: Notice): void {
    const window = this.windows.get(organizationId);
    if (window) {
      window.pending.set(chat.chat_id, chat);
      return;
    }
    this.send(organizationId, [chat]);
    if (this.intervalMs > 0) this.open(organizationId);
  }

  /** Drops what is pending (the sockets are closing). */
  close(): void {
    for (const window of this.windows.values()) this.timers.clear(window.timer);
    this.windows.clear();
  }

  private open(organizationId: string): void {
    this.windows.set(organizationId, {
      pending: new Map(),
      timer: this.timers.set(() => this.flush(organizationId), this.intervalMs),
    });
  }

  private flush(organizationId: string): void {
    const window = this.windows.get(organizationId);
    if (!window) return;
    this.windows.delete(organizationId);
    if (window.pending.size === 0) return;
    const chats = [...window.pending.values()];
    for (let from = 0; from < chats.length; from += MAX_CHATS_PER_NOTICE)
      this.send(organizationId, chats.slice(from, from + MAX_CHATS_PER_NOTICE));
    // Something was sent: the next period starts now, so that the sockets hear at most one frame per period.
    this.open(organizationId);
  }
}
