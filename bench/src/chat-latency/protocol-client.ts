import WebSocket from 'ws';
import type { ProtocolError } from '@livedesk/contracts';

/** A failed response: the protocol error of docs/protocol.md. */
export class ProtocolRequestError extends Error {
  constructor(
    readonly action: string,
    readonly error: ProtocolError,
  ) {
    super(`${action}: ${error.code}${error.reason ? ` (${error.reason})` : ''}: ${error.message}`);
    this.name = 'ProtocolRequestError';
  }
}

interface Pending {
  action: string;
  resolve: (payload: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** A frame as read off the socket: a response, a push, or (bare relay) a forwarded request. */
export interface Frame {
  request_id?: string | number | null;
  action?: string | null;
  type?: string;
  success?: boolean;
  payload?: unknown;
}

/**
 * A minimal client of the real-time protocol over `ws`: requests `{request_id, action,
 * payload}`, the one response of each matched by `request_id`, handlers for pushes. The load
 * generator's hot path uses `send` (no promise, no timer per message); failed responses to it
 * are counted by error code, never dropped silently.
 */
/** When a socket's opening reached each step (`performance.now()`): TCP connected, upgrade request written, upgrade answered. */
export interface OpeningSteps {
  tcp?: number;
  written?: number;
  upgraded?: number;
}

export class ProtocolClient {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly pushHandlers = new Map<string, (payload: unknown, receivedAt: number) => void>();
  private frameHandler: ((frame: Frame, receivedAt: number) => void) | undefined;
  private responseHandler:
    | ((requestId: string, success: boolean, receivedAt: number, error?: ProtocolError) => void)
    | undefined;
  /** Failed responses to `send`, by error code. */
  readonly sendFailures = new Map<string, number>();
  /** `performance.now()` of the last frame received (0: none yet). */
  lastFrameAt = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const receivedAt = performance.now();
      this.lastFrameAt = receivedAt;
      if (isBinary) return;
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        return;
      }
      this.dispatch(frame, receivedAt);
    });
    socket.on('close', (code, reason) => {
      const error = new Error(`socket closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`);
      for (const pending of this.pending.values()) {
        clearTimeout(pending.timer);
        pending.reject(error);
      }
      this.pending.clear();
    });
    // An error is followed by 'close', which rejects what is pending.
    socket.on('error', () => undefined);
  }

  static connect(url: string, timeoutMs = 30_000, phases?: OpeningSteps): Promise<ProtocolClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: timeoutMs });
      if (phases) {
        const request = (socket as unknown as { _req?: import('node:http').ClientRequest })._req;
        request?.once('socket', (tcp) => {
          tcp.once('connect', () => (phases.tcp = performance.now()));
        });
        request?.once('finish', () => (phases.written = performance.now()));
        socket.once('upgrade', () => (phases.upgraded = performance.now()));
      }
      socket.once('open', () => {
        socket.removeListener('error', reject);
        resolve(new ProtocolClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  request<T>(action: string, payload: unknown, timeoutMs = 30_000): Promise<T> {
    const requestId = `r-${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`${action}: no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { action, resolve: resolve as (payload: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ request_id: requestId, action, payload }), (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(error);
      });
    });
  }

  /**
   * Fire and forget: the response is not awaited (see `onUnmatchedResponse`); a failed one is
   * counted in `sendFailures`. `requestId` must not look like `request`'s (`r-<n>`).
   */
  send(action: string, payload: unknown, requestId = `f-${this.nextId++}`): void {
    this.socket.send(JSON.stringify({ request_id: requestId, action, payload }));
  }

  /** Sends a text frame as it is (the bare relay's clients). */
  sendText(text: string): void {
    this.socket.send(text);
  }

  onPush(action: string, handler: (payload: unknown, receivedAt: number) => void): void {
    this.pushHandlers.set(action, handler);
  }

  /** Responses to `send` (a failed one with its error). */
  onUnmatchedResponse(
    handler: (requestId: string, success: boolean, receivedAt: number, error?: ProtocolError) => void,
  ): void {
    this.responseHandler = handler;
  }

  /** Every frame that is neither a response nor a push with a handler (the bare relay forwards requests). */
  onOtherFrame(handler: (frame: Frame, receivedAt: number) => void): void {
    this.frameHandler = handler;
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 2000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(1000);
    });
  }

  private dispatch(frame: Frame, receivedAt: number): void {
    if (frame.type === 'response') {
      const id = frame.request_id === null || frame.request_id === undefined ? undefined : String(frame.request_id);
      const pending = id === undefined ? undefined : this.pending.get(id);
      if (pending && id !== undefined) {
        this.pending.delete(id);
        clearTimeout(pending.timer);
        if (frame.success) pending.resolve(frame.payload);
        else pending.reject(new ProtocolRequestError(pending.action, errorOf(frame)));
      } else {
        const error = frame.success ? undefined : errorOf(frame);
        if (error) this.sendFailures.set(error.code, (this.sendFailures.get(error.code) ?? 0) + 1);
        if (id !== undefined) this.responseHandler?.(id, frame.success === true, receivedAt, error);
      }
      return;
    }
    if (frame.type === 'push' && typeof frame.action === 'string') {
      const handler = this.pushHandlers.get(frame.action);
      if (handler) return handler(frame.payload, receivedAt);
    }
    this.frameHandler?.(frame, receivedAt);
  }
}

function errorOf(frame: Frame): ProtocolError {
  const error = (frame.payload as { error?: ProtocolError } | undefined)?.error;
  return error ?? { code: 'internal', message: `a failed response without an error: ${JSON.stringify(frame)}` };
}
