import WebSocket from 'ws';

export interface Frame {
  request_id?: string | number | null;
  action?: string | null;
  type?: 'response' | 'push';
  success?: boolean;
  payload?: any;
}

/** A failed response, as a test sees it. */
export class ResponseError extends Error {
  constructor(readonly frame: Frame) {
    super(`${frame.action}: ${JSON.stringify(frame.payload?.error)}`);
  }
  get code(): string {
    return this.frame.payload?.error?.code;
  }
  get reason(): string | undefined {
    return this.frame.payload?.error?.reason;
  }
}

/**
 * A raw-frame client for tests of the protocol itself: every frame it receives is kept,
 * responses are matched by request id, pushes are awaited with a predicate, and it sends
 * malformed frames and chosen request ids. A test of what an app does (chat, reconnect,
 * resume) uses the `@livedesk/client` SDK instead: `ChatSystem.customerClient` / `agentClient`.
 */
export class RtmTestClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 1;
  private readonly waiters = new Set<{ match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }>();

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      for (const waiter of this.waiters) {
        if (waiter.match(frame)) {
          this.waiters.delete(waiter);
          waiter.resolve(frame);
        }
      }
    });
    socket.on('error', () => undefined);
  }

  /** A socket on `url`; `headers` go with the upgrade request (an `X-Forwarded-For` of a proxy, an `Origin`). */
  static connect(url: string, options: { headers?: Record<string, string> } = {}): Promise<RtmTestClient> {
    return new Promise((resolve, reject) => {
      const socket = options.headers ? new WebSocket(url, { headers: options.headers }) : new WebSocket(url);
      socket.once('open', () => resolve(new RtmTestClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a request and answers its response frame, successful or not. */
  async request(
    action: string,
    payload: unknown = {},
    requestId: string | number = `r-${this.nextId++}`,
  ): Promise<Frame> {
    const response = this.next((frame) => frame.type === 'response' && frame.request_id === requestId);
    this.socket.send(JSON.stringify({ request_id: requestId, action, payload }));
    return response;
  }

  /** Sends a request and answers its payload; a failed response throws a ResponseError. */
  async call<T = any>(action: string, payload: unknown = {}): Promise<T> {
    const frame = await this.request(action, payload);
    if (!frame.success) throw new ResponseError(frame);
    return frame.payload as T;
  }

  /**
   * `get_chat` read to the end: page after page (`since_version` = the last page's
   * `next_since_version`) while `has_more`, as every client of a long chat must. Answers the
   * chat as the last page saw it, every event after `sinceVersion`, and the pages it took.
   */
  async readChat(
    chatId: string,
    sinceVersion = 0,
    limit?: number,
  ): Promise<{ chat: any; events: any[]; pages: number }> {
    const events: any[] = [];
    let since = sinceVersion;
    let pages = 0;
    for (;;) {
      const page = await this.call('get_chat', {
        chat_id: chatId,
        since_version: since,
        ...(limit === undefined ? {} : { limit }),
      });
      pages++;
      events.push(...page.events);
      if (!page.has_more) return { chat: page.chat, events, pages };
      since = page.next_since_version;
    }
  }

  async login(token: string): Promise<any> {
    return this.call('login', { token });
  }

  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void {
    this.socket.send(data, { binary: options?.binary ?? false });
  }

  /**
   * The next frame still to come that matches: frames already received are not looked at (use
   * `push` for a push that may have come already). Two frames can arrive in one socket read, so
   * a second `next` asked after the first one's answer may have missed its frame.
   */
  next(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms; received:\n${this.frames.map((f) => JSON.stringify(f)).join('\n')}`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (frame: Frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * A push already received or the next one, of this action, matching the predicate. A
   * `chat_queued` may also arrive as one of the chats of a `chats_queued` (the server coalesces
   * queue pushes, docs/protocol.md): that chat is answered then.
   */
  push(action: string, match: (payload: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    const found = (frame: Frame): any => {
      if (frame.type !== 'push') return undefined;
      if (frame.action === action && match(frame.payload)) return frame.payload;
      if (action === 'chat_queued' && frame.action === 'chats_queued')
        return ((frame.payload as { chats?: unknown[] }).chats ?? []).find((chat) => match(chat));
      return undefined;
    };
    for (const frame of this.frames) {
      const payload = found(frame);
      if (payload !== undefined) return Promise.resolve(payload);
    }
    return this.next((frame) => found(frame) !== undefined, timeoutMs).then(found);
  }

  pushes(action?: string): any[] {
    return this.frames
      .filter((frame) => frame.type === 'push' && (action === undefined || frame.action === action))
      .map((f) => f.payload);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close();
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake, as a lost network does. */
  drop(): void {
    this.socket.terminate();
  }
}
