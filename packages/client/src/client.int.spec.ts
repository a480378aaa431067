import { afterEach, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { CustomerClient } from './customer-client.js';
import { LivedeskError } from './errors.js';
import type { ChatEventDelivery, ClientOptions } from './client.js';
import {
  chatEvent,
  chatSummary,
  eventually,
  ScriptedServer,
  type ReceivedRequest,
  type ScriptedConnection,
} from './testing/scripted-server.js';

/**
 * A chat as a server keeps it: events by version, versions the customer may not see (tags),
 * and messages by client id so that a repeated send answers the stored event.
 */
class Chat {
  readonly events: any[] = [];
  readonly hidden = new Set<number>();
  readonly byClientId = new Map<string, any>();
  version = 0;

  constructor(readonly chatId = 'chat-1') {}

  post(text: string, clientId?: string): any {
    const existing = clientId === undefined ? undefined : this.byClientId.get(clientId);
    if (existing) return existing;
    const event = chatEvent(this.chatId, ++this.version, text);
    this.events.push(event);
    if (clientId !== undefined) this.byClientId.set(clientId, event);
    return event;
  }

  hide(): void {
    this.hidden.add(++this.version);
  }

  /** A get_chat page: at most `limit` visible events after since_version, like the gateway's. */
  page(since: number, limit = 100): any {
    const visible = this.events.filter((e) => e.version > since);
    const events = visible.slice(0, limit);
    const hasMore = visible.length > limit;
    return {
      chat: chatSummary(this.chatId, this.version),
      events,
      has_more: hasMore,
      next_since_version: hasMore ? events[events.length - 1].version : this.version,
    };
  }
}

/** Answers login, get_chat and send_event from a Chat; `extra` runs first and may take the request. */
function serve(chat: Chat, extra: (request: ReceivedRequest, connection: ScriptedConnection) => boolean = () => false) {
  return (request: ReceivedRequest, connection: ScriptedConnection) => {
    if (extra(request, connection)) return;
    if (request.action === 'login')
      return connection.respond(request, {
        customer_id: 'customer-1',
        organization_id: 'org-1',
        chats: [chatSummary(chat.chatId, chat.version)],
      });
    if (request.action === 'get_chat')
      return connection.respond(request, chat.page(request.payload.since_version ?? 0, request.payload.limit));
    if (request.action === 'send_event') {
      return connection.respond(request, {
        chat_id: chat.chatId,
        event: chat.post(request.payload.event.text, request.payload.event.client_id),
      });
    }
  };
}

let server: ScriptedServer | undefined;
let client: CustomerClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.stop();
  client = undefined;
  server = undefined;
});

function customer(options: Partial<ClientOptions> = {}): CustomerClient {
  client = new CustomerClient({
    url: server!.url,
    token: 'token-1',
    WebSocket,
    reconnect: { initialDelayMs: 40, maxDelayMs: 1_000 },
    requestTimeoutMs: 2_000,
    ...options,
  });
  return client;
}

function collect(c: CustomerClient): ChatEventDelivery[] {
  const seen: ChatEventDelivery[] = [];
  c.on('chat_event', (delivery) => seen.push(delivery));
  return seen;
}

describe('CustomerClient against a scripted server', () => {
  it('reconnects after drops with growing delays and logs in again each time', async () => {
    const chat = new Chat();
    server = await ScriptedServer.start(serve(chat));
    const c = customer({ watchChats: false });
    const reconnects: boolean[] = [];
    const delays: (number | null)[] = [];
    c.on('connected', ({ reconnected }) => reconnects.push(reconnected));
    c.on('disconnected', ({ retry_in_ms }) => delays.push(retry_in_ms));
    // Every new socket is dropped 30 ms after it opens, so the backoff never resets by a login that lasts.
    server.script = (request, connection) => {
      serve(chat)(request, connection);
      if (request.action === 'login' && server!.connections.length < 4) setTimeout(() => connection.drop(), 30);
    };
    await c.connect();
    await server.until(() => server!.connections.length === 4 && server!.requests('login').length === 4);
    // The fourth login's answer reaches the client a moment after the server saw the request.
    await eventually(() => reconnects.length === 4);
    const opened = server.connections.map((connection) => connection.openedAt);
    const gaps = opened.slice(1).map((at, i) => at - opened[i]!);
    // Each gap is 30 ms of life plus the delay; a login resets the attempt count, so every delay is the first step's: 20–40 ms.
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(20);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(45);
    expect(reconnects).toEqual([false, true, true, true]);
  });

  it('backs off exponentially while connections keep failing before the login', async () => {
    const chat = new Chat();
    server = await ScriptedServer.start(serve(chat));
    // The server drops every socket at its login until the fifth.
    server.script = (request, connection) => {
      if (request.action === 'login' && server!.connections.length < 5) return connection.drop();
      serve(chat)(request, connection);
    };
    const c = customer({ watchChats: false, reconnect: { initialDelayMs: 40, maxDelayMs: 10_000 } });
    const delays: number[] = [];
    c.on('disconnected', ({ retry_in_ms }) => delays.push(retry_in_ms!));
    await c.connect();
    expect(server.connections).toHaveLength(5);
    // Steps 40, 80, 160, 320 with equal jitter: each delay within [step/2, step].
    expect(delays).toHaveLength(4);
    delays.forEach((delay, attempt) => {
      const step = 40 * 2 ** attempt;
      expect(delay).toBeGreaterThanOrEqual(step / 2);
      expect(delay).toBeLessThanOrEqual(step);
    });
    const opened = server.connections.map((connection) => connection.openedAt);
    expect(opened[4]! - opened[0]!).toBeGreaterThanOrEqual(20 + 40 + 80 + 160 - 5);
  });

  it('resumes a chat from the version it holds contiguously and merges overlap and gaps by version', async () => {
    const chat = new Chat();
    for (const text of ['m1', 'm2', 'm3']) chat.post(text);
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        // Small pages, so that the catch-up has to follow has_more.
        if (request.action === 'get_chat') {
          connection.respond(request, chat.page(request.payload.since_version ?? 0, 2));
          return true;
        }
        return false;
      }),
    );
    const c = customer();
    const seen = collect(c);
    await c.connect();
    await eventually(() => seen.length === 3);

    // Pushes 4 and 6 arrive (5 is still on its way), then the network drops.
    const first = server.latest;
    first.push('incoming_event', { chat_id: 'chat-1', version: 4, event: chat.post('m4') });
    const five = chat.post('m5');
    first.push('incoming_event', { chat_id: 'chat-1', version: 6, event: chat.post('m6') });
    await eventually(() => seen.length === 4);
    first.drop();
    // While the customer is away: a message, a tag the customer never sees, another message.
    chat.post('m7');
    chat.hide();
    chat.post('m9');
    await server.until(() => server!.connections.length === 2 && server!.requests('get_chat').length >= 4);
    await eventually(() => seen.length === 8);
    // After the reconnect a push repeats what the catch-up brought, and a new one follows.
    server.latest.push('incoming_event', {
      chat_id: 'chat-1',
      version: 9,
      event: chat.events.find((e) => e.version === 9),
    });
    server.latest.push('incoming_event', { chat_id: 'chat-1', version: 10, event: chat.post('m10') });
    await eventually(() => seen.length === 9);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(seen.map((d) => d.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10]);
    expect(seen.map((d) => d.event.data.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm9', 'm10']);
    expect(five.version).toBe(5);
    // First read from 0 in pages of two; after the drop from 4 (6 was held past the gap), then
    // from the first page's next_since_version; nothing else.
    expect(server.requests('get_chat').map((r) => r.payload.since_version)).toEqual([0, 2, 4, 6]);
    expect(c.chatVersion('chat-1')).toBe(10);
  });

  it('reads no chat after a reconnect whose login lists it at a version it holds whole, and reads one that moved on', async () => {
    const chat = new Chat();
    for (const text of ['m1', 'm2']) chat.post(text);
    server = await ScriptedServer.start(serve(chat));
    const c = customer();
    const seen = collect(c);
    await c.connect();
    await eventually(() => seen.length === 2);

    // Nothing happened while the socket was away: the login answers version 2, which it holds.
    server.latest.drop();
    await server.until(() => server!.connections.length === 2 && server!.requests('login').length === 2);
    await eventually(() => c.connected);
    server.latest.push('incoming_event', { chat_id: 'chat-1', version: 3, event: chat.post('m3') });
    await eventually(() => seen.length === 3);
    expect(server.requests('get_chat').map((r) => r.payload.since_version)).toEqual([0]);

    // A message and a tag while it was away: the login answers version 5, so it reads from 3.
    server.latest.drop();
    chat.post('m4');
    chat.hide();
    await server.until(() => server!.connections.length === 3 && server!.requests('get_chat').length === 2);
    await eventually(() => seen.length === 4);
    expect(server.requests('get_chat').map((r) => r.payload.since_version)).toEqual([0, 3]);
    expect(c.chatVersion('chat-1')).toBe(5);
  });

  it('fills a gap of hidden versions with get_chat after the gap timeout', async () => {
    const chat = new Chat();
    chat.post('m1');
    server = await ScriptedServer.start(serve(chat));
    const c = customer({ gapTimeoutMs: 50 });
    const seen = collect(c);
    await c.connect();
    await eventually(() => seen.length === 1);
    chat.hide(); // version 2: a tag
    server.latest.push('incoming_event', { chat_id: 'chat-1', version: 3, event: chat.post('m3') });
    await eventually(() => seen.length === 2);
    expect(seen.map((d) => d.version)).toEqual([1, 3]);
    expect(server.requests('get_chat').map((r) => r.payload.since_version)).toEqual([0, 1]);
  });

  it('places its own send after an earlier event whose push is still on the way', async () => {
    const chat = new Chat();
    chat.post('m1');
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        if (request.action !== 'send_event') return false;
        // The agent's message (version 2) was stored just before; its push leaves after the answer.
        const agents = chat.post('from the agent');
        connection.respond(request, {
          chat_id: chat.chatId,
          event: chat.post(request.payload.event.text, request.payload.event.client_id),
        });
        setTimeout(
          () => connection.push('incoming_event', { chat_id: chat.chatId, version: agents.version, event: agents }),
          50,
        );
        return true;
      }),
    );
    const c = customer({ gapTimeoutMs: 5_000 });
    const seen = collect(c);
    await c.connect();
    await eventually(() => seen.length === 1);
    const stored = await c.sendMessage('chat-1', 'mine');
    expect(stored.version).toBe(3);
    expect(seen.map((d) => d.version)).toEqual([1]);
    await eventually(() => seen.length === 3);
    expect(seen.map((d) => d.event.data.text)).toEqual(['m1', 'from the agent', 'mine']);
    expect(server.requests('get_chat')).toHaveLength(1);
  });

  it('retries a send whose socket dropped before the answer: stored once, delivered once', async () => {
    const chat = new Chat();
    let dropped = false;
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        if (request.action === 'send_event' && !dropped) {
          // The server stores the message, but the socket is cut before the answer leaves.
          dropped = true;
          chat.post(request.payload.event.text, request.payload.event.client_id);
          connection.drop();
          return true;
        }
        return false;
      }),
    );
    const c = customer();
    const seen = collect(c);
    await c.connect();
    const stored = await c.sendMessage('chat-1', 'hello once');

    const sends = server.requests('send_event');
    expect(sends).toHaveLength(2);
    expect(sends[1]!.payload.event.client_id).toBe(sends[0]!.payload.event.client_id);
    expect(chat.events.filter((e) => e.data.text === 'hello once')).toHaveLength(1);
    expect(stored.version).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.map((d) => d.event.data.text)).toEqual(['hello once']);
  });

  it('fails a request that is not safe to repeat when the socket drops before its answer', async () => {
    const chat = new Chat();
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        if (request.action === 'close_chat') {
          connection.drop();
          return true;
        }
        return false;
      }),
    );
    const c = customer({ watchChats: false });
    await c.connect();
    const error = await c.request('close_chat', { chat_id: 'chat-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LivedeskError);
    expect((error as LivedeskError).code).toBe('disconnected');
    expect(server.requests('close_chat')).toHaveLength(1);
  });

  it('renews the token before it expires and logs in with the new one after a reconnect', async () => {
    const chat = new Chat();
    server = await ScriptedServer.start(serve(chat));
    let issued = 0;
    const issuedAt: number[] = [];
    const provider = async () => {
      issuedAt.push(Date.now());
      return { token: `token-${++issued}`, expires_at: new Date(Date.now() + 1_500).toISOString() };
    };
    const c = customer({ token: provider, watchChats: false, renewBeforeMs: 500 });
    const renewed: string[] = [];
    c.on('token_renewed', ({ token }) => renewed.push(token));
    const started = Date.now();
    await c.connect();
    // A lifetime of 1.5 s renews 300 ms before the end (a fifth of it, below renewBeforeMs).
    await eventually(() => renewed.length === 1, 3_000);
    expect(renewed).toEqual(['token-2']);
    expect(issuedAt[1]! - started).toBeGreaterThanOrEqual(1_100);
    expect(issuedAt[1]! - issuedAt[0]!).toBeLessThan(1_500);
    server.latest.drop();
    await server.until(() => server!.requests('login').length === 2);
    expect(server.requests('login').map((r) => r.payload.token)).toEqual(['token-1', 'token-2']);
  });

  it('asks the provider for a new token when the server refuses the current one', async () => {
    const chat = new Chat();
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        if (request.action === 'login' && request.payload.token === 'stale') {
          connection.fail(request, { code: 'authentication', message: 'token expired', reason: 'token_expired' });
          return true;
        }
        return false;
      }),
    );
    const tokens = ['stale', 'fresh'];
    const c = customer({
      token: async () => ({ token: tokens.shift()!, expires_at: new Date(Date.now() + 3_600_000).toISOString() }),
      watchChats: false,
    });
    await c.connect();
    expect(server.requests('login').map((r) => r.payload.token)).toEqual(['stale', 'fresh']);
  });

  it('rejects the connect with a typed error when a fixed token is refused', async () => {
    server = await ScriptedServer.start((request, connection) => {
      connection.fail(request, { code: 'authentication', message: 'token expired', reason: 'token_expired' });
    });
    const error = await customer()
      .connect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LivedeskError);
    expect(error).toMatchObject({ code: 'authentication', reason: 'token_expired' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.connections).toHaveLength(1);
  });

  it('fails a request with no answer by its deadline with a timeout error', async () => {
    server = await ScriptedServer.start(serve(new Chat(), (request) => request.action === 'list_chats'));
    const c = customer({ watchChats: false });
    await c.connect();
    const started = Date.now();
    const error = await c.request('list_chats', {}, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LivedeskError);
    expect(error).toMatchObject({ code: 'timeout', action: 'list_chats' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('replaces a socket that stays silent past a deadline (half-open) and sends again what is safe', async () => {
    const chat = new Chat();
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        // The first connection goes deaf after the login: no answer, no close, as a dead network.
        return connection === server!.connections[0] && request.action !== 'login';
      }),
    );
    const c = customer({ watchChats: false });
    await c.connect();
    const slow = c.request('list_chats', {}, { timeoutMs: 200 });
    const queued = c.sendMessage('chat-1', 'after the dead socket', { timeoutMs: 5_000 });
    const error = await slow.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout' });
    const stored = await queued;
    expect(stored.data.text).toBe('after the dead socket');
    expect(server.connections).toHaveLength(2);
    expect(server.connections[1]!.requests.map((r) => r.action)).toEqual(['login', 'send_event']);
  });

  it('opens one socket however often connect is called', async () => {
    server = await ScriptedServer.start(serve(new Chat()));
    const c = customer({ watchChats: false });
    const [first, second] = await Promise.all([c.connect(), c.connect()]);
    expect(second).toEqual(first);
    await expect(c.connect()).resolves.toEqual(first);
    expect(server.connections).toHaveLength(1);
  });

  it('stops following a chat it may no longer read and reports why', async () => {
    server = await ScriptedServer.start(
      serve(new Chat(), (request, connection) => {
        if (request.action !== 'get_chat' || request.payload.chat_id !== 'gone') return false;
        connection.fail(request, { code: 'authorization', message: 'not your chat', reason: 'not_assigned' });
        return true;
      }),
    );
    const c = customer({ watchChats: false });
    const errors: LivedeskError[] = [];
    c.on('error', (error) => errors.push(error));
    await c.connect();
    await expect(c.watchChat('gone')).rejects.toMatchObject({ code: 'authorization', reason: 'not_assigned' });
    expect(c.watchedChats()).toEqual([]);
    expect(errors.map((e) => e.reason)).toEqual(['not_assigned']);
  });

  it('maps a failed response to a LivedeskError with code, reason and retry_after_ms', async () => {
    server = await ScriptedServer.start(
      serve(new Chat(), (request, connection) => {
        if (request.action !== 'rate_chat') return false;
        connection.fail(request, {
          code: 'rate_limited',
          message: 'slow down',
          reason: 'too_many_frames',
          retry_after_ms: 1_200,
        });
        return true;
      }),
    );
    const c = customer({ watchChats: false });
    await c.connect();
    const error = await c.request('rate_chat', { chat_id: 'chat-1', score: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LivedeskError);
    expect(error).toMatchObject({
      code: 'rate_limited',
      reason: 'too_many_frames',
      retryAfterMs: 1_200,
      retry_after_ms: 1_200,
      action: 'rate_chat',
      message: 'slow down',
    });
    const notFound = await c.request('close_chat', { chat_id: 'chat-1' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(LivedeskError);
    expect(notFound).toMatchObject({ code: 'timeout' });
  });

  it('asks a rate-limited send again after retry_after_ms, with the same client id', async () => {
    const chat = new Chat();
    let refused = 0;
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        if (request.action !== 'send_event' || refused > 0) return false;
        refused++;
        connection.fail(request, { code: 'rate_limited', message: 'slow down', retry_after_ms: 100 });
        return true;
      }),
    );
    const c = customer({ watchChats: false });
    await c.connect();
    const started = Date.now();
    const stored = await c.sendMessage('chat-1', 'later');
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(stored.data.text).toBe('later');
    const sends = server.requests('send_event');
    expect(sends).toHaveLength(2);
    expect(sends[1]!.payload.event.client_id).toBe(sends[0]!.payload.event.client_id);
  });

  it('asks a read answered unavailable again after retry_after_ms, and fails at once what is not safe to repeat', async () => {
    const chat = new Chat();
    let refused = 0;
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        const unsafe = request.action === 'rate_chat';
        if (!unsafe && (request.action !== 'get_chat' || refused > 0)) return false;
        if (!unsafe) refused++;
        connection.fail(request, {
          code: 'unavailable',
          message: 'the service is unavailable, try again',
          reason: 'dependency_unavailable',
          retry_after_ms: 100,
        });
        return true;
      }),
    );
    const c = customer({ watchChats: false });
    await c.connect();
    const started = Date.now();
    const read = await c.request('get_chat', { chat_id: 'chat-1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(read).toMatchObject({ chat: { chat_id: 'chat-1' } });
    expect(server.requests('get_chat')).toHaveLength(2);
    await expect(c.request('rate_chat', { chat_id: 'chat-1', score: 5 })).rejects.toMatchObject({
      code: 'unavailable',
      retryAfterMs: 100,
    });
    expect(server.requests('rate_chat')).toHaveLength(1);
  });

  it('asks a send shed by an overloaded gateway again after retry_after_ms, and leaves start_chat to the app', async () => {
    const chat = new Chat();
    let refused = 0;
    const overloaded = { code: 'unavailable', message: 'overloaded', reason: 'overloaded', retry_after_ms: 100 };
    server = await ScriptedServer.start(
      serve(chat, (request, connection) => {
        if (request.action === 'start_chat') {
          connection.fail(request, overloaded);
          return true;
        }
        if (request.action !== 'send_event' || refused > 0) return false;
        refused++;
        connection.fail(request, overloaded);
        return true;
      }),
    );
    const c = customer({ watchChats: false });
    await c.connect();
    const started = Date.now();
    const stored = await c.sendMessage('chat-1', 'once the load is gone');
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(stored.data.text).toBe('once the load is gone');
    const sends = server.requests('send_event');
    expect(sends).toHaveLength(2);
    expect(sends[1]!.payload.event.client_id).toBe(sends[0]!.payload.event.client_id);
    // Not deduplicated: a new chat is the app's to ask again, with the hint.
    const error = await c.request('start_chat', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', reason: 'overloaded', retryAfterMs: 100 });
    expect(server.requests('start_chat')).toHaveLength(1);
  });

  it('waits with a request made while reconnecting and sends it once logged in again', async () => {
    const chat = new Chat();
    server = await ScriptedServer.start(serve(chat));
    const c = customer({ watchChats: false, reconnect: { initialDelayMs: 200 } });
    await c.connect();
    server.latest.drop();
    await eventually(() => !c.connected);
    const stored = await c.sendMessage('chat-1', 'sent while away');
    expect(stored.data.text).toBe('sent while away');
    expect(server.connections[0]!.requests.filter((r) => r.action === 'send_event')).toHaveLength(0);
  });
});
