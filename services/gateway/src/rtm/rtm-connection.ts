import type { WebSocket } from 'ws';
import { pushFrame, type Actor, type ResponseFrame } from '@livedesk/contracts';
import { actorOf, type Principal } from '@livedesk/auth';
import type { FrameRateLimit } from './rate-limiter.js';

export type RtmEndpoint = 'customer' | 'agent';

/** One open socket: which endpoint it came in on and, after `login`, who it is. */
export class RtmConnection {
  principal: Principal | undefined;
  /** Frames of one connection run one after another, so a client's messages keep their order. */
  private queue: Promise<void> = Promise.resolve();
  alive = true;
  /** Set once the server closes the socket: frames still arriving are dropped unanswered. */
  closing = false;
  /**
   * Pushes that came while the login was answered (`holdPushes`): the socket is registered for
   * pushes before the login reads the chats, so that no event falls between the read and the
   * registration, and the pushes wait here so that the client hears the login answer first.
   */
  private held: string[] | undefined;

  constructor(
    readonly id: string,
    readonly endpoint: RtmEndpoint,
    readonly socket: WebSocket,
    readonly rateLimit: FrameRateLimit,
    /** The upgrade request's `Origin` header: a browser page's origin; undefined for apps, bots and servers. */
    readonly origin?: string | undefined,
    /** The client's address: the socket's peer, or the client a trusted proxy names (`TRUSTED_PROXIES`). */
    readonly clientAddress?: string | undefined,
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

  close(code: number, reason: string): void {
    this.closing = true;
    this.socket.close(code, reason);
  }

  respond(frame: ResponseFrame): void {
    this.write(JSON.stringify(frame));
  }

  push(action: string, payload: unknown): void {
    this.sendText(JSON.stringify(pushFrame(action, payload)));
  }

  /** A push, already encoded (one text for every socket of a fan-out). */
  sendText(text: string): void {
    if (this.held) this.held.push(text);
    else this.write(text);
  }

  /** Pushes wait from now until `releasePushes` (sent) or `dropHeldPushes` (discarded). */
  holdPushes(): void {
    this.held ??= [];
  }

  /** Sends the pushes that waited, in their order, and sends the next ones at once. */
  releasePushes(): void {
    const held = this.held;
    this.held = undefined;
    for (const text of held ?? []) this.write(text);
  }

  /** The login was refused: what waited was never this socket's to hear. */
  dropHeldPushes(): void {
    this.held = undefined;
  }

  private write(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }
}
