import {
  NatsConnectionImpl,
  setTransportFactory,
  type ConnectionOptions,
  type NatsConnection,
} from '@nats-io/transport-node';
// The client's own TCP transport. `@nats-io/transport-node` has no `exports` map, so its file
// can be imported; the package is pinned to one version (libs/messaging/package.json), and
// `coalescing-transport.int.spec.ts` fails if this file stops being what the client dials with.
import { NodeTransport, nodeResolveHost } from '@nats-io/transport-node/lib/node_transport.js';

/**
 * The NATS client's TCP transport, writing once per turn of the event loop.
 *
 * nats.js collects what a connection publishes and writes it to its socket in a microtask, and
 * Node runs the microtasks after every callback: a process that handles 200 incoming frames
 * (WebSocket frames, NATS messages, database replies) in one turn of its event loop and
 * publishes something from each made 200 `write` system calls, one per callback. On a busy
 * 2-core machine such a write costs tens of microseconds of the writer's CPU, and the NATS
 * server reads each separately: the gateway spent 14 % of its CPU in these writes while 5,000
 * customers came back at once.
 *
 * This transport keeps the frames nats.js hands it and writes them together in `setImmediate`,
 * which Node runs once the callbacks of the current turn are done (its check phase): one write
 * per turn. Nothing waits longer than the rest of the turn it was sent in, and the frames keep
 * their order. Closing writes what is kept first.
 */
export class CoalescingTransport extends NodeTransport {
  private kept: Uint8Array[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  override send(frame: Uint8Array): void {
    this.kept.push(frame);
    this.scheduled ??= setImmediate(() => this.writeKept());
  }

  override close(err?: Error): Promise<void> {
    this.writeKept();
    return super.close(err);
  }

  override discard(): void {
    this.dropKept();
    super.discard();
  }

  private writeKept(): void {
    const frames = this.kept;
    this.dropKept();
    if (frames.length === 0) return;
    super.send(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  private dropKept(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.kept = [];
  }
}

/**
 * `connect` of `@nats-io/transport-node`, dialling with `CoalescingTransport`.
 *
 * The client asks a process-wide factory for a transport at every dial and every reconnect. A
 * plain `connect` of the package sets that factory back to its own transport; each connection
 * of a service is therefore opened here (`openNatsConnection`, `CommandServer`), and the
 * factory is set again before each.
 */
export function connectCoalescing(options: ConnectionOptions): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new CoalescingTransport(), dnsResolveFn: nodeResolveHost });
  return NatsConnectionImpl.connect(options);
}
