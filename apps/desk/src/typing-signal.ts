/** How long without a keystroke before the agent counts as no longer typing. */
export const TYPING_IDLE_MS = 3_000;
/** While the agent keeps typing, `is_typing: true` is repeated at most this often (a customer's indicator may time out). */
export const TYPING_REPEAT_MS = 4_000;

interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The agent's own typing indicator, throttled: the first keystroke in a chat says "typing",
 * repeated at most every TYPING_REPEAT_MS while the keys go on; an idle pause, an emptied box,
 * a send or another chat says "stopped" once.
 */
export class TypingSignal {
  private chatId: string | undefined;
  private sentAt = 0;
  private idle: unknown;

  constructor(
    private readonly signal: (chatId: string, isTyping: boolean) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** After a change of the reply box: `hasText` is whether it still holds something to send. */
  input(chatId: string, hasText: boolean): void {
    if (!hasText) return this.stop();
    if (this.chatId !== undefined && this.chatId !== chatId) this.stop();
    const now = this.clock.now();
    if (this.chatId !== chatId || now - this.sentAt >= TYPING_REPEAT_MS) {
      this.chatId = chatId;
      this.sentAt = now;
      this.signal(chatId, true);
    }
    this.clock.clearTimeout(this.idle);
    this.idle = this.clock.setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /** Says "stopped" if "typing" was said (a send, another chat, an idle pause). */
  stop(): void {
    this.clock.clearTimeout(this.idle);
    this.idle = undefined;
    const chatId = this.chatId;
    if (chatId === undefined) return;
    this.chatId = undefined;
    this.signal(chatId, false);
  }

  /** The chat ended: nothing more is said about it. */
  chatEnded(chatId: string): void {
    if (this.chatId !== chatId) return;
    this.clock.clearTimeout(this.idle);
    this.idle = undefined;
    this.chatId = undefined;
  }
}
