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
 * per turn. The frames keep their order. Closing writes what is kept first.
 *
 * With `lingerMs` (`NATS_WRITE_LINGER_MS`, 2 ms in the services), it also writes at most once
 * per `lingerMs`: a frame sent within `lingerMs` of the last write waits until `lingerMs` after
 * it, and the frames of the turns in between go with it; a frame after a quiet moment still goes
 * at the end of its turn, so a lone message waits no longer than before. At 1,000 chat messages
 * a second they come about a millisecond apart, one per turn, and each write woke the NATS
 * server and, through it, the process it forwards to, for one message. Batched over 2 ms, the
 * NATS server used 0.22–0.24 cores instead of 0.27–0.28, and the whole pipeline 1.08–1.34
 * instead of 1.24–1.43 (medians of six runs 1.14 and 1.34; Postgres varies most from run to
 * run), latency within the runs' spread (bench/RESULTS.md, chat-latency, sixteenth session). A message waits at most `lingerMs` more per hop. 0: one write per turn, nothing more.
 */
export class CoalescingTransport extends NodeTransport {
  private kept: Uint8Array[] = [];
  private scheduled: { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout } | undefined;
  /** When the last write went (`performance.now()`). */
  private wroteAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly lingerMs = 0) {
    super();
  }

  override send(frame: Uint8Array): void {
    this.kept.push(frame);
    if (this.scheduled) return;
    const wait = this.wroteAt + this.lingerMs - performance.now();
    this.scheduled =
      wait > 0
        ? { timeout: setTimeout(() => this.writeKept(), wait) }
        : { immediate: setImmediate(() => this.writeKept()) };
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
    this.wroteAt = performance.now();
    super.send(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  private dropKept(): void {
    if (this.scheduled && 'timeout' in this.scheduled) clearTimeout(this.scheduled.timeout);
    else if (this.scheduled) clearImmediate(this.scheduled.immediate);
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
export function connectCoalescing(options: ConnectionOptions, writeLingerMs = 0): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new CoalescingTransport(writeLingerMs), dnsResolveFn: nodeResolveHost });
  return NatsConnectionImpl.connect(options);
}
