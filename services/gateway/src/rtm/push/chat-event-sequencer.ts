import type { EventEnvelope } from '@livedesk/contracts';

/**
 * A conversation event as the push fan-out needs it: an envelope from JetStream, or an event
 * `get_chat` gave back to fill a gap.
 */
export type ChatEvent = Pick<
  EventEnvelope,
  'event_id' | 'organization_id' | 'stream_version' | 'type' | 'data' | 'occurred_at' | 'metadata'
>;

/** Where an arriving event stands against the last version of its chat this replica pushed. */
export type VersionStep =
  /** The next one, or the first this replica sees of the chat: push it. */
  | { kind: 'next' }
  /** At or below the last pushed: a repeat (JetStream keeps duplicates only within its window). */
  | { kind: 'repeat' }
  /** Versions after `since` and before this one never came: fetch them first. */
  | { kind: 'gap'; since: number };

export function versionStep(lastPushed: number | undefined, version: number): VersionStep {
  if (lastPushed === undefined || version === lastPushed + 1) return { kind: 'next' };
  if (version <= lastPushed) return { kind: 'repeat' };
  return { kind: 'gap', since: lastPushed };
}

/** Of the fetched events, the ones in the gap (after `since`, before `version`), in version order, each once. */
export function eventsFillingGap(fetched: readonly ChatEvent[], since: number, version: number): ChatEvent[] {
  const inGap = new Map<number, ChatEvent>();
  for (const event of fetched) {
    if (event.stream_version > since && event.stream_version < version) inGap.set(event.stream_version, event);
  }
  return [...inGap.values()].sort((a, b) => a.stream_version - b.stream_version);
}

/** The last version pushed per chat; bounded, the chat seen longest ago goes first. */
export class PushedVersions {
  private readonly versions = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  get(chatId: string): number | undefined {
    return this.versions.get(chatId);
  }

  set(chatId: string, version: number): void {
    this.versions.delete(chatId);
    this.versions.set(chatId, version);
    if (this.versions.size > this.capacity) {
      const oldest = this.versions.keys().next().value;
      if (oldest !== undefined) this.versions.delete(oldest);
    }
  }
}

export interface ChatEventSequencerOptions {
  /** The chat's events after `sinceVersion` (get_chat since_version), oldest first. */
  fetchSince: (
    organizationId: string,
    chatId: string,
    sinceVersion: number,
    beforeVersion: number,
  ) => Promise<readonly ChatEvent[]>;
  onGap?: (chatId: string, gap: { since: number; version: number; filled: number }) => void;
  onGapFillFailed?: (chatId: string, error: unknown) => void;
  capacity?: number;
}

/**
 * Keeps the pushes of each chat gapless and in version order: an event whose version skips
 * ahead of the last one pushed (an event that never reached JetStream, or that a follower
 * missed) makes it fetch the missing ones from the conversation service and push them first; a
 * version already pushed is not pushed again. One version per chat, not per socket: every socket
 * of this replica that follows a chat gets the chat's pushes from here, in this order, or its
 * socket is closed (its client then catches up with get_chat). Calls must not overlap (the
 * follower hands on one event at a time).
 */
export class ChatEventSequencer {
  private readonly pushed: PushedVersions;

  constructor(private readonly options: ChatEventSequencerOptions) {
    this.pushed = new PushedVersions(options.capacity);
  }

  async accept(chatId: string, event: ChatEvent, push: (event: ChatEvent) => Promise<void>): Promise<void> {
    const step = versionStep(this.pushed.get(chatId), event.stream_version);
    if (step.kind === 'repeat') return;
    if (step.kind === 'gap') {
      let missing: ChatEvent[] = [];
      try {
        const fetched = await this.options.fetchSince(event.organization_id, chatId, step.since, event.stream_version);
        missing = eventsFillingGap(fetched, step.since, event.stream_version);
      } catch (error) {
        // The event in hand still goes out; a client that needs the rest has get_chat.
        this.options.onGapFillFailed?.(chatId, error);
      }
      this.options.onGap?.(chatId, { since: step.since, version: event.stream_version, filled: missing.length });
      for (const earlier of missing) {
        await push(earlier);
        this.pushed.set(chatId, earlier.stream_version);
      }
    }
    await push(event);
    this.pushed.set(chatId, event.stream_version);
  }
}
