/**
 * The part of the WebSocket API the client uses, so that the browser's `WebSocket`, Node 22's
 * global one and the `ws` package (Node 20) all fit without the package importing any of them.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<{ code: number; reason: string }>;
  onerror: Handler<unknown>;
}

// Declared as a method so that a constructor whose handlers take a richer event type (the DOM's
// MessageEvent, ws's) still fits: method parameters are compared bivariantly.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'] | null;

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The readyState of an open socket (the same number in every implementation). */
export const OPEN = 1;

export function defaultWebSocket(): WebSocketConstructor {
  const found = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!found) throw new Error('no global WebSocket: pass the `WebSocket` option (the `ws` package on Node 20)');
  return found;
}

/** A frame's text: browsers give a string; `ws` gives a string for text frames too, a Buffer otherwise. */
export function frameText(data: unknown): string {
  return typeof data === 'string' ? data : String(data);
}
