/** `window.livedesk` (docs/protocol.md, "The widget"). */
export interface WidgetEvents {
  ready: Record<string, never>;
  chat_started: { chat_id: string };
  message: { chat_id: string; author_kind: string; author_name?: string; text: string; version: number };
  agent_joined: { name: string; avatar_url?: string };
  queue: { position: number; estimated_wait_seconds: number | null };
  chat_ended: { chat_id: string };
}

export type WidgetEventName = keyof WidgetEvents;

export interface LivedeskApi {
  open(): void;
  close(): void;
  send(text: string): Promise<void>;
  identify(identityJwt: string): Promise<void>;
  on<K extends WidgetEventName>(name: K, handler: (payload: WidgetEvents[K]) => void): () => void;
}

/** The page's handlers, by event; one that throws does not stop the others or the widget. */
export class PublicEvents {
  private readonly handlers = new Map<string, Set<(payload: never) => void>>();

  on<K extends WidgetEventName>(name: K, handler: (payload: WidgetEvents[K]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  emit<K extends WidgetEventName>(name: K, payload: WidgetEvents[K]): void {
    for (const handler of this.handlers.get(name) ?? []) {
      try {
        (handler as (p: WidgetEvents[K]) => void)(payload);
      } catch (error) {
        console.error('livedesk: a page handler failed', error);
      }
    }
  }
}
