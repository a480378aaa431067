import type { ProtocolClient } from './protocol-client.js';
import type { LoadTarget } from './load.js';

/** A load target with its sockets open. */
export interface ConnectedTarget extends LoadTarget {
  /** Failed responses to the customers' sends, by error code. */
  failures(): Record<string, number>;
  /** `performance.now()` of the last frame any of the target's sockets received. */
  lastFrameAt(): number;
  close(): Promise<void>;
}

export function lastFrameOf(clients: readonly ProtocolClient[]): number {
  let last = 0;
  for (const client of clients) if (client.lastFrameAt > last) last = client.lastFrameAt;
  return last;
}

/**
 * Waits until no socket has received anything for `quietMs`. The setup of the real system
 * leaves a tail of pushes behind (every started chat is a `chat_queued` push to every agent of
 * the organization: 4,900 × 100 frames at 5,000 connections); measuring while the gateway still
 * fans them out would charge the setup to the chat loop.
 */
export async function settle(target: ConnectedTarget, quietMs = 2000, timeoutMs = 300_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const now = performance.now();
    if (now - target.lastFrameAt() >= quietMs) return (now - started) / 1000;
    if (now - started > timeoutMs)
      throw new Error(`the sockets were still receiving frames ${timeoutMs / 1000} s after the setup`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function failuresOf(clients: readonly ProtocolClient[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const client of clients) {
    for (const [code, count] of client.sendFailures) total[code] = (total[code] ?? 0) + count;
  }
  return total;
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
