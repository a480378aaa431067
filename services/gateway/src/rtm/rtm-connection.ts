import type { WebSocket } from 'ws';
import { pushFrame, type Actor, type ResponseFrame } from '@livedesk/contracts';
import { actorOf, type Principal } from '@livedesk/auth';
import type { TokenBucket } from './rate-limiter.js';

export type RtmEndpoint = 'customer' | 'agent';

/** One open socket: which endpoint it came in on and, after `login`, who it is. */
export class RtmConnection {
  principal: Principal | undefined;
  /** Frames of one connection run one after another, so a client's messages keep their order. */
  private queue: Promise<void> = Promise.resolve();
  alive = true;

  constructor(
    readonly id: string,
    readonly endpoint: RtmEndpoint,
    readonly socket: WebSocket,
    readonly rateLimit: TokenBucket,
  ) {}

  get actor(): Actor | undefined {
    return this.principal ? actorOf(this.principal) : undefined;
  }

  get organizationId(): string | undefined {
    return this.principal?.organizationId;
  }

  isSupervisor(): boolean {
    return this.principal?.kind === 'agent' && this.principal.role !== 'agent';
  }

  enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work, work);
  }

  respond(frame: ResponseFrame): void {
    this.sendJson(frame);
  }

  push(action: string, payload: unknown): void {
    this.sendJson(pushFrame(action, payload));
  }

  sendText(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  private sendJson(value: unknown): void {
    this.sendText(JSON.stringify(value));
  }
}
