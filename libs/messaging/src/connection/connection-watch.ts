import type { NatsConnection, Status } from '@nats-io/transport-node';

/** A request begun before the connection dropped: its reply, if any, is not coming. */
export class NatsConnectionLostError extends Error {
  constructor() {
    super('the NATS connection was lost');
    this.name = 'NatsConnectionLostError';
  }
}

/**
 * Follows a connection's status (`disconnect`, `reconnect`, `close`) for the code that must act
 * on an outage instead of waiting out timeouts: nats.js buffers what is published while it
 * reconnects, but a request whose reply was due from the server that died is answered by no one
 * (its timeout runs out long after the connection is back, which measured seconds of delay in
 * the outbox relay), and a JetStream consumer's pull requests die with the server.
 */
export class ConnectionWatch {
  private connected = true;
  private closed = false;
  private readonly onDisconnect = new Set<() => void>();
  private readonly onReconnect = new Set<() => void>();
  private readonly statuses: AsyncIterable<Status> & { stop?: () => void };

  constructor(private readonly connection: NatsConnection) {
    this.statuses = connection.status() as AsyncIterable<Status> & { stop?: () => void };
    void this.follow();
    void connection.closed().then(() => this.markClosed());
  }

  /** Whether the connection is up now (false while it reconnects, and once it is closed). */
  get isConnected(): boolean {
    return this.connected && !this.closed && !this.connection.isClosed();
  }

  /**
   * Runs `work` and fails it with `NatsConnectionLostError` as soon as the connection drops
   * (or at once if it is down), instead of letting its requests wait out their timeouts.
   */
  async unlessDisconnected<T>(work: () => Promise<T>): Promise<T> {
    if (!this.isConnected) throw new NatsConnectionLostError();
    let fail: ((error: Error) => void) | undefined;
    const lost = new Promise<never>((_, reject) => (fail = reject));
    const listener = () => fail?.(new NatsConnectionLostError());
    this.onDisconnect.add(listener);
    try {
      return await Promise.race([work(), lost]);
    } finally {
      this.onDisconnect.delete(listener);
    }
  }

  /** Calls `listener` after each reconnect; answers the function that stops it. */
  afterReconnect(listener: () => void): () => void {
    this.onReconnect.add(listener);
    return () => this.onReconnect.delete(listener);
  }

  stop(): void {
    this.statuses.stop?.();
    this.markClosed();
  }

  private async follow(): Promise<void> {
    for await (const status of this.statuses) {
      if (status.type === 'disconnect') {
        this.connected = false;
        for (const listener of [...this.onDisconnect]) listener();
      } else if (status.type === 'reconnect') {
        this.connected = true;
        for (const listener of [...this.onReconnect]) listener();
      } else if (status.type === 'close') {
        this.markClosed();
      }
    }
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    for (const listener of [...this.onDisconnect]) listener();
  }
}
