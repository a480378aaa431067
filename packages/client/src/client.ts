import { backoffDelay, retryDelay, type BackoffOptions } from './backoff.js';
import { ChatTimeline } from './chat-timeline.js';
import { Emitter } from './emitter.js';
import { errorFromPayload, LivedeskError } from './errors.js';
import type { BaseActions, ChatFile, ChatEventView, ChatSummary, CommonPushes, TokenResponse } from './protocol.js';
import { defaultWebSocket, frameText, OPEN, type WebSocketConstructor, type WebSocketLike } from './socket.js';
import { httpError, type HttpErrorAnswer, type TokenProvider } from './tokens.js';

export interface ClientOptions {
  /** The gateway's base URL, `https://chat.example` (the socket URL is derived from it). */
  url: string;
  /** A token, or a provider called for the first token, before each expiry, and when the server refuses one. */
  token: string | TokenProvider;
  /** The WebSocket constructor; defaults to the global one (browsers, Node 22+). */
  WebSocket?: WebSocketConstructor;
  /** A request's deadline in ms, unless the call gives its own (default 15 000). */
  requestTimeoutMs?: number;
  /** Reconnect delays (exponential, with jitter). */
  reconnect?: BackoffOptions;
  /** How long before its expiry a token is renewed, in ms (default 60 000, at most a fifth of its lifetime). */
  renewBeforeMs?: number;
  /** How long events wait behind a version gap before a `get_chat` fills it, in ms (default 1 000). */
  gapTimeoutMs?: number;
  /** Follow every chat the login names, and chats that start or arrive, from their first event (default true). */
  watchChats?: boolean;
}

export interface RequestOptions {
  timeoutMs?: number;
}

/** A chat event delivered in order, exactly once. */
export interface ChatEventDelivery {
  chat_id: string;
  version: number;
  event: ChatEventView;
}

export type ClientEvents<Pushes, Login> = Pushes & {
  /** Each event of a watched chat once, in version order: pushes, own sends and catch-up merged. */
  chat_event: ChatEventDelivery;
  /** The socket is open and logged in; `reconnected` after a drop. */
  connected: { login: Login; reconnected: boolean };
  /** The socket closed; the client reconnects after `retry_in_ms` unless it was closed. */
  disconnected: { code: number; reason: string; retry_in_ms: number | null };
  /** A failure no request promise reports (a catch-up, a renewal, a frame the server refused). */
  error: LivedeskError;
  token_renewed: TokenResponse;
};

/** Actions that are safe to repeat (after a reconnect, or when rate limited): reads, and sends deduplicated by client id. */
const RETRY_SAFE = new Set([
  'send_event',
  'get_chat',
  'list_chats',
  'mark_seen',
  'list_visitors',
  'list_canned_responses',
  'list_agents',
  'list_groups',
  // Repeating these changes nothing more: a tag already on (or off) stays, and a lifted ban stays lifted.
  'tag_chat',
  'untag_chat',
  'unban_customer',
  'get_customer',
  'search_chats',
]);

/**
 * A refusal worth asking again later: `rate_limited`, and `unavailable` (the service did not
 * answer in time, or sheds load) except `offline` (outside business hours: no wait changes it).
 */
function retriesLater(error: LivedeskError): boolean {
  return error.code === 'rate_limited' || (error.code === 'unavailable' && error.reason !== 'offline');
}

interface Pending {
  id: string;
  action: string;
  payload: unknown;
  resolve: (payload: unknown) => void;
  reject: (error: LivedeskError) => void;
  timer: ReturnType<typeof setTimeout>;
  sent: boolean;
  /** How many frames the client had received when it went out on the current socket. */
  sentAfterFrames: number;
}

function newClientId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  // randomUUID is missing on plain-http pages (not a secure context); the fallback is unique enough for one customer's sends.
  return (
    crypto?.randomUUID?.() ??
    `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
  );
}

/**
 * A connection to one RTM endpoint that stays up: it logs in, reconnects with backoff, re-sends
 * what was not answered when it is safe, and resumes every watched chat from the version it
 * holds contiguously. `CustomerClient` and `AgentClient` give it their action and push types.
 */
export class LivedeskClient<Actions extends BaseActions, Pushes extends CommonPushes> extends Emitter<
  ClientEvents<Pushes, Actions['login']['response']>
> {
  private socket: WebSocketLike | undefined;
  private loggedIn = false;
  private closedByUser = false;
  private attempt = 0;
  private everConnected = false;
  private nextRequestId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly timelines = new Map<string, ChatTimeline>();
  private readonly catchUps = new Map<string, Promise<void>>();
  private readonly gapTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private current: { token: string; expiresAt: number } | undefined;
  private firstLogin:
    | { resolve: (login: Actions['login']['response']) => void; reject: (error: LivedeskError) => void }
    | undefined;
  private readonly WebSocketImpl: WebSocketConstructor;

  constructor(
    private readonly endpoint: 'customer' | 'agent',
    protected readonly options: ClientOptions,
  ) {
    super();
    this.WebSocketImpl = options.WebSocket ?? defaultWebSocket();
  }

  /** Opens the socket and logs in; answers the login's payload. Later drops reconnect by themselves. */
  connect(): Promise<Actions['login']['response']> {
    if (this.loggedIn && this.lastLogin !== undefined) return Promise.resolve(this.lastLogin);
    if (this.connecting) return this.connecting;
    this.closedByUser = false;
    const connecting = new Promise<Actions['login']['response']>((resolve, reject) => {
      this.firstLogin = { resolve, reject };
      this.open();
    });
    this.connecting = connecting;
    const done = () => {
      if (this.connecting === connecting) this.connecting = undefined;
    };
    connecting.then(done, done);
    return connecting;
  }

  private connecting: Promise<Actions['login']['response']> | undefined;
  private lastLogin: Actions['login']['response'] | undefined;

  /** Whether the socket is open and logged in. */
  get connected(): boolean {
    return this.loggedIn;
  }

  /** Closes the socket for good: pending requests fail with `closed`, timers stop. */
  close(): void {
    this.closedByUser = true;
    this.loggedIn = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.renewTimer);
    for (const timer of this.gapTimers.values()) clearTimeout(timer);
    this.gapTimers.clear();
    for (const request of [...this.pending.values()])
      this.settle(request, new LivedeskError('closed', 'the client was closed', { action: request.action }));
    this.firstLogin?.reject(new LivedeskError('closed', 'the client was closed'));
    this.firstLogin = undefined;
    this.socket?.close(1000, 'client closed');
    this.socket = undefined;
  }

  /**
   * Sends a request and answers its success payload; a failed response rejects with a
   * LivedeskError carrying the server's code and reason, no answer in time with `timeout`.
   * A request made while the socket is down waits for the reconnect (within its deadline).
   */
  request<K extends keyof Actions & string>(
    action: K,
    payload: Actions[K] extends { request: infer R } ? R : never,
    options: RequestOptions = {},
  ): Promise<Actions[K] extends { response: infer R } ? R : never> {
    return new Promise((resolve, reject) => {
      const id = `r-${this.nextRequestId++}`;
      const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 15_000;
      const request: Pending = {
        id,
        action,
        payload,
        resolve: resolve as (payload: unknown) => void,
        reject,
        sent: false,
        sentAfterFrames: 0,
        timer: setTimeout(() => this.expire(request, timeoutMs), timeoutMs),
      };
      if (this.closedByUser)
        return this.settle(request, new LivedeskError('closed', 'the client is closed', { action }));
      this.pending.set(id, request);
      if (this.loggedIn) this.transmit(request);
    });
  }

  /**
   * Posts a message with a client id (a new one unless given). If the socket drops before the
   * answer, the same client id is sent again after the reconnect and the server stores it once.
   * The stored event also arrives as a `chat_event`, in its place in the chat.
   */
  async sendMessage(
    chatId: string,
    text: string,
    options: RequestOptions & { clientId?: string; attachments?: string[] } = {},
  ): Promise<ChatEventView> {
    return this.postEvent(chatId, text, options);
  }

  /**
   * Uploads a file into a chat (`POST /v1/customer/files` or `/v1/agent/files`, the raw bytes)
   * and answers its `file_id`, to name in `sendMessage`'s `attachments`, with its type (read by
   * the server from the bytes), size, an image's pixel size and a signed download URL.
   * `clientId` makes a retried upload store the file once.
   */
  async uploadFile(
    chatId: string,
    name: string,
    content: Blob | ArrayBuffer | Uint8Array,
    options: { clientId?: string; fetch?: typeof fetch } = {},
  ): Promise<ChatFile> {
    const path = `/v1/${this.endpoint}/files`;
    const query = new URLSearchParams({
      name,
      chat_id: chatId,
      ...(options.clientId === undefined ? {} : { client_id: options.clientId }),
    });
    const response = await (options.fetch ?? fetch)(`${this.options.url.replace(/\/$/, '')}${path}?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await this.token(false)}`, 'content-type': 'application/octet-stream' },
      body: content as NonNullable<NonNullable<Parameters<typeof fetch>[1]>['body']>,
    });
    const parsed = (await response.json().catch(() => null)) as (ChatFile & HttpErrorAnswer) | null;
    if (response.status === 201 && parsed && typeof parsed.file_id === 'string') return parsed;
    throw httpError(response, parsed, path);
  }

  /** A download URL of an attachment (a path on the gateway's host) made absolute. */
  fileUrl(url: string): string {
    return new URL(url, this.options.url).toString();
  }

  /** `sendMessage`, with extra fields of the event (an agent's `visibility`). */
  protected async postEvent(
    chatId: string,
    text: string,
    options: RequestOptions & { clientId?: string; attachments?: string[] },
    extra: { visibility?: 'agents' } = {},
  ): Promise<ChatEventView> {
    const event = {
      type: 'message' as const,
      text,
      client_id: options.clientId ?? newClientId(),
      ...(options.attachments ? { attachments: options.attachments } : {}),
      ...extra,
    };
    const { timeoutMs } = options;
    const answer = await this.request(
      'send_event',
      { chat_id: chatId, event } as never,
      timeoutMs === undefined ? {} : { timeoutMs },
    );
    const stored = (answer as { event: ChatEventView }).event;
    this.place(chatId, stored);
    return stored;
  }

  /**
   * Follows a chat: its events after `sinceVersion` (all by default) arrive as `chat_event`,
   * and after every reconnect it is caught up from the version held contiguously.
   */
  watchChat(chatId: string, sinceVersion = 0): Promise<void> {
    if (!this.timelines.has(chatId)) this.timelines.set(chatId, this.newTimeline(chatId, sinceVersion));
    return this.catchUp(chatId);
  }

  unwatchChat(chatId: string): void {
    this.timelines.delete(chatId);
    clearTimeout(this.gapTimers.get(chatId));
    this.gapTimers.delete(chatId);
  }

  /** The version up to which the client has delivered every event of a chat (undefined if not watched). */
  chatVersion(chatId: string): number | undefined {
    return this.timelines.get(chatId)?.contiguous;
  }

  /** The ids of the watched chats. */
  watchedChats(): string[] {
    return [...this.timelines.keys()];
  }

  /** The chats a login answered: watched from their first event unless `watchChats` is false. */
  protected followLogin(chats: readonly ChatSummary[]): void {
    if (this.options.watchChats === false) return;
    for (const chat of chats)
      if (!this.timelines.has(chat.chat_id)) this.timelines.set(chat.chat_id, this.newTimeline(chat.chat_id, 0));
  }

  /** Follows a chat the client learnt of (started, joined, assigned) unless `watchChats` is false. */
  protected follow(chatId: string): void {
    if (this.options.watchChats !== false) void this.watchChat(chatId).catch(() => undefined);
  }

  private newTimeline(chatId: string, sinceVersion: number): ChatTimeline {
    return new ChatTimeline(chatId, sinceVersion, (event) =>
      this.fire('chat_event', { chat_id: chatId, version: event.version, event }),
    );
  }

  private timeline(chatId: string): ChatTimeline {
    let timeline = this.timelines.get(chatId);
    if (!timeline) {
      this.timelines.set(chatId, (timeline = this.newTimeline(chatId, 0)));
      void this.catchUp(chatId).catch(() => undefined);
    }
    return timeline;
  }

  /** Reads a chat from the version held contiguously to its end, page by page; one read per chat at a time. */
  private catchUp(chatId: string): Promise<void> {
    const running = this.catchUps.get(chatId);
    if (running) {
      const again = () => this.catchUp(chatId);
      return running.then(again, again);
    }
    const run = (async () => {
      for (;;) {
        const timeline = this.timelines.get(chatId);
        if (!timeline) return;
        const page = await this.request('get_chat', { chat_id: chatId, since_version: timeline.contiguous } as never);
        const { events, next_since_version, has_more } = page as {
          events: ChatEventView[];
          next_since_version: number;
          has_more: boolean;
        };
        timeline.applyPage(events, next_since_version);
        if (!has_more) return;
      }
    })();
    this.catchUps.set(chatId, run);
    const done = () => {
      if (this.catchUps.get(chatId) === run) this.catchUps.delete(chatId);
    };
    run.then(
      () => {
        done();
        // A push that arrived while the page was read may still wait behind a gap.
        this.watchGap(chatId);
      },
      (error: unknown) => {
        done();
        if (!(error instanceof LivedeskError) || error.code === 'closed') return;
        // A chat this client may no longer read (transferred away, another account's): stop following it.
        if (error.code === 'not_found' || error.code === 'authorization') this.unwatchChat(chatId);
        this.fire('error', error);
      },
    );
    return run;
  }

  private open(): void {
    this.loggedIn = false;
    const socket = new this.WebSocketImpl(
      `${this.options.url.replace(/^http/, 'ws').replace(/\/$/, '')}/v1/${this.endpoint}/rtm`,
    );
    this.socket = socket;
    socket.onopen = () => void this.login(socket);
    socket.onmessage = (message) => this.receive(socket, frameText(message.data));
    socket.onerror = () => undefined; // a close follows every error
    socket.onclose = (event) => this.dropped(socket, event.code, event.reason);
  }

  private async login(socket: WebSocketLike): Promise<void> {
    try {
      let token = await this.token(false);
      let login: unknown;
      try {
        login = await this.rawRequest(socket, 'login', { token });
      } catch (error) {
        // An expired or revoked token: ask the provider once for a new one (a reload after a long sleep).
        if (
          !(error instanceof LivedeskError) ||
          error.code !== 'authentication' ||
          typeof this.options.token === 'string'
        )
          throw error;
        token = await this.token(true);
        login = await this.rawRequest(socket, 'login', { token });
      }
      if (socket !== this.socket) return;
      this.loggedIn = true;
      this.attempt = 0;
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.lastLogin = login as Actions['login']['response'];
      const listed = (login as { chats?: ChatSummary[] }).chats ?? [];
      this.followLogin(listed);
      for (const request of this.pending.values()) if (!request.sent) this.transmit(request);
      const versions = new Map(listed.map((chat) => [chat.chat_id, chat.version]));
      for (const [chatId, timeline] of this.timelines) {
        // The login answer gives each listed chat's version at the moment the socket already heard
        // every later event: a chat held whole up to it has nothing to read.
        const version = versions.get(chatId);
        if (version !== undefined && timeline.contiguous >= version && !timeline.hasGap) continue;
        void this.catchUp(chatId).catch(() => undefined);
      }
      this.firstLogin?.resolve(login as Actions['login']['response']);
      this.firstLogin = undefined;
      this.fire('connected', { login: login as Actions['login']['response'], reconnected });
    } catch (error) {
      if (socket !== this.socket) return;
      const failure = error instanceof LivedeskError ? error : new LivedeskError('internal', String(error));
      if (failure.code === 'authentication' || failure.code === 'authorization') {
        // No new connection will change the answer: stop here.
        this.fire('error', failure);
        this.firstLogin?.reject(failure);
        this.firstLogin = undefined;
        this.close();
        return;
      }
      this.fire('error', failure);
      this.retryAfterMs = failure.retryAfterMs;
      socket.close(4000, 'login failed');
    }
  }

  private retryAfterMs: number | undefined;

  /** Emits one of the client's own events or a push (the generic event map cannot see which). */
  private fire(name: string, payload: unknown): void {
    this.emit(name as never, payload as never);
  }

  /** A request on this socket only, outside the queue: the login. */
  private rawRequest(socket: WebSocketLike, action: string, payload: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = `r-${this.nextRequestId++}`;
      const timeoutMs = this.options.requestTimeoutMs ?? 15_000;
      const request: Pending = {
        id,
        action,
        payload,
        resolve,
        reject,
        sent: true,
        sentAfterFrames: this.framesReceived,
        timer: setTimeout(() => this.expire(request, timeoutMs), timeoutMs),
      };
      this.pending.set(id, request);
      socket.send(JSON.stringify({ request_id: id, action, payload }));
    });
  }

  private transmit(request: Pending): void {
    if (!this.socket || this.socket.readyState !== OPEN) return;
    request.sent = true;
    request.sentAfterFrames = this.framesReceived;
    this.socket.send(JSON.stringify({ request_id: request.id, action: request.action, payload: request.payload }));
  }

  /**
   * A request's deadline passed. The gateway answers every request, with an error if need be,
   * so a socket that stayed silent since the request went out is taken for dead — a half-open
   * connection (a sleeping laptop, a lost Wi-Fi) that a browser may not report for minutes — and
   * replaced at once.
   */
  private expire(request: Pending, timeoutMs: number): void {
    const silent = request.sent && this.framesReceived === request.sentAfterFrames;
    this.settle(
      request,
      new LivedeskError('timeout', `${request.action}: no answer within ${timeoutMs} ms`, { action: request.action }),
    );
    const socket = this.socket;
    if (silent && socket) {
      socket.onclose = socket.onmessage = socket.onopen = null;
      socket.close(4000, 'no answer');
      this.dropped(socket, 4000, 'no answer');
    }
  }

  private framesReceived = 0;

  private settle(request: Pending, error: LivedeskError | null, payload?: unknown): void {
    if (!this.pending.delete(request.id)) return;
    clearTimeout(request.timer);
    if (error) request.reject(error);
    else request.resolve(payload);
  }

  private receive(socket: WebSocketLike, text: string): void {
    if (socket !== this.socket) return;
    this.framesReceived++;
    let frame: {
      type?: string;
      action?: string | null;
      request_id?: string | number | null;
      success?: boolean;
      payload?: unknown;
    };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return this.fire('error', new LivedeskError('internal', 'the server sent a frame that is not JSON'));
    }
    if (frame.type === 'response') {
      const request = typeof frame.request_id === 'string' ? this.pending.get(frame.request_id) : undefined;
      if (!request) {
        if (frame.success === false) this.fire('error', errorFromPayload(frame.action ?? undefined, frame.payload));
        return;
      }
      if (frame.success) return this.settle(request, null, frame.payload);
      const error = errorFromPayload(request.action, frame.payload);
      if (retriesLater(error) && RETRY_SAFE.has(request.action)) {
        // The socket's frame budget ran out, or the server is shedding load (a burst of
        // catch-ups after a reconnect, or an overloaded gateway refusing new work with
        // `overloaded`): a read or a deduplicated send is asked again
        // after the server's hint, jittered so that a crowd refused together does not come
        // back together, within the request's deadline.
        request.sent = false;
        setTimeout(() => {
          if (this.pending.has(request.id) && this.loggedIn && !request.sent) this.transmit(request);
        }, retryDelay(error.retryAfterMs));
        return;
      }
      this.settle(request, error);
      return;
    }
    if (frame.type !== 'push' || typeof frame.action !== 'string') return;
    const payload = frame.payload as { chat_id?: string; event?: ChatEventView; chat?: ChatSummary };
    this.fire(frame.action, payload);
    // Listeners of `chat_queued` hear every chat, whether it came alone or in a batch.
    if (frame.action === 'chats_queued')
      for (const chat of (frame.payload as { chats?: unknown[] }).chats ?? []) this.fire('chat_queued', chat);
    if (frame.action === 'incoming_event' && payload.event && payload.chat_id)
      this.place(payload.chat_id, payload.event);
    else if (frame.action === 'incoming_chat' && payload.chat_id) this.follow(payload.chat_id);
  }

  /** An event from a push or a send's answer, into its chat's timeline (followed from its start if new). */
  private place(chatId: string, event: ChatEventView): void {
    if (!this.timelines.has(chatId) && this.options.watchChats === false) return;
    this.timeline(chatId).offer(event);
    this.watchGap(chatId);
  }

  /** Events waiting behind a gap for `gapTimeoutMs` are caught up with `get_chat`. */
  private watchGap(chatId: string): void {
    if (!this.timelines.get(chatId)?.hasGap || this.gapTimers.has(chatId) || this.closedByUser) return;
    this.gapTimers.set(
      chatId,
      setTimeout(() => {
        this.gapTimers.delete(chatId);
        if (this.timelines.get(chatId)?.hasGap) void this.catchUp(chatId).catch(() => undefined);
      }, this.options.gapTimeoutMs ?? 1_000),
    );
  }

  private dropped(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.loggedIn = false;
    for (const request of [...this.pending.values()]) {
      if (!request.sent) continue;
      if (RETRY_SAFE.has(request.action)) request.sent = false;
      else
        this.settle(
          request,
          new LivedeskError('disconnected', `${request.action}: the connection dropped before the answer`, {
            action: request.action,
          }),
        );
    }
    if (this.closedByUser) return;
    const delay = Math.max(backoffDelay(this.attempt++, this.options.reconnect), this.retryAfterMs ?? 0);
    this.retryAfterMs = undefined;
    this.fire('disconnected', { code, reason, retry_in_ms: delay });
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  /** The current token, or a new one from the provider when there is none, it expired, or `renew`. */
  private async token(renew: boolean): Promise<string> {
    const source = this.options.token;
    if (typeof source === 'string') return source;
    if (!renew && this.current && this.current.expiresAt > Date.now()) return this.current.token;
    return this.renew();
  }

  private async renew(): Promise<string> {
    const source = this.options.token;
    if (typeof source === 'string') return source;
    const fresh = await source();
    const obtainedAt = Date.now();
    const expiresAt = Date.parse(fresh.expires_at);
    this.current = { token: fresh.token, expiresAt };
    if (Number.isFinite(expiresAt)) {
      const lead = Math.min(this.options.renewBeforeMs ?? 60_000, (expiresAt - obtainedAt) / 5);
      this.scheduleRenewal(Math.max(0, expiresAt - lead - obtainedAt));
    }
    return fresh.token;
  }

  /** Renews the token after `delayMs`; a failed renewal is tried again every 5 s while the client is open. */
  private scheduleRenewal(delayMs: number): void {
    clearTimeout(this.renewTimer);
    if (this.closedByUser) return;
    this.renewTimer = setTimeout(() => {
      this.renew().then(
        (token) =>
          this.fire('token_renewed', { token, expires_at: new Date(this.current?.expiresAt ?? 0).toISOString() }),
        (error: unknown) => {
          this.fire(
            'error',
            error instanceof LivedeskError ? error : new LivedeskError('authentication', String(error)),
          );
          this.scheduleRenewal(5_000);
        },
      );
    }, delayMs);
  }
}
