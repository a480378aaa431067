import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NodeTransport } from '@nats-io/transport-node/lib/node_transport.js';
import { createTestNats, waitFor, type TestNats } from '@livedesk/testing';
import { CoalescingTransport } from './coalescing-transport.js';
import { openNatsConnection } from './open-nats-connection.js';

/** The transport a connection writes through (nats.js keeps it on its protocol handler). */
const transportOf = (connection: NatsConnection): unknown =>
  (connection as unknown as { protocol: { transport: unknown } }).protocol.transport;

describe('CoalescingTransport', () => {
  let nats: TestNats;
  const opened: NatsConnection[] = [];

  beforeAll(async () => {
    nats = await createTestNats();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(opened.splice(0).map((connection) => connection.close()));
  });

  const options = () => ({ url: nats.url, name: 'coalescing-test', subjectPrefix: nats.subjectPrefix });

  afterAll(async () => {
    await nats?.cleanup();
  });

  /** Publishes `count` messages, each from a callback of its own within one turn of the loop, and answers how many socket writes they took and what arrived. */
  async function publishFromSeparateCallbacks(publisher: NatsConnection, count: number) {
    const subject = `${nats.subjectPrefix}.coalescing.${opened.length}`;
    const received: string[] = [];
    const subscription = nats.connection.subscribe(subject, {
      callback: (_error, msg) => void received.push(msg.string()),
    });
    await nats.connection.flush();
    await publisher.flush();
    const writes = jest.spyOn(NodeTransport.prototype, '_send');
    // Timers due together run in one timers phase, each as its own callback followed by its
    // microtasks: as a turn that handles many incoming frames does.
    await new Promise<void>((resolve) => {
      for (let i = 0; i < count; i++)
        setTimeout(() => {
          publisher.publish(subject, `message ${i}`);
          if (i === count - 1) resolve();
        }, 0);
    });
    await publisher.flush();
    const socketWrites = writes.mock.calls.length - 1; // the flush's PING
    writes.mockRestore();
    await nats.connection.flush();
    await waitFor(() => received.length >= count, { timeoutMs: 5_000, what: 'every message' });
    subscription.unsubscribe();
    return { socketWrites, received };
  }

  it('is what a connection opened by openNatsConnection dials with', async () => {
    const connection = await openNatsConnection(options());
    opened.push(connection);
    expect(transportOf(connection)).toBeInstanceOf(CoalescingTransport);
  });

  it('sends what many callbacks of one turn publish in one write, in order', async () => {
    const connection = await openNatsConnection(options());
    opened.push(connection);
    const { socketWrites, received } = await publishFromSeparateCallbacks(connection, 200);
    expect(received).toEqual(Array.from({ length: 200 }, (_, i) => `message ${i}`));
    expect(socketWrites).toBeLessThanOrEqual(2);
  });

  it('against the client as it comes, which writes once per callback', async () => {
    const plain = await connect({ servers: nats.url, name: 'plain-test' });
    opened.push(plain);
    expect(transportOf(plain)).not.toBeInstanceOf(CoalescingTransport);
    const { socketWrites, received } = await publishFromSeparateCallbacks(plain, 200);
    expect(received).toHaveLength(200);
    expect(socketWrites).toBeGreaterThanOrEqual(200);
  });

  describe('with a linger (writeLingerMs)', () => {
    // Long beside the 2 ms steps below, so a slow machine cannot stretch them past it.
    const LINGER_MS = 200;

    /** A subscriber on a fresh subject, and the socket writes of `publisher` counted from now on. */
    async function watch(publisher: NatsConnection) {
      const subject = `${nats.subjectPrefix}.coalescing.linger.${opened.length}`;
      const received: string[] = [];
      const subscription = nats.connection.subscribe(subject, {
        callback: (_error, msg) => void received.push(msg.string()),
      });
      await nats.connection.flush();
      await publisher.flush();
      // The flush's PING was written just now: wait the linger out, so the next write is free.
      await new Promise((resolve) => setTimeout(resolve, LINGER_MS + 5));
      const writes: number[] = [];
      const write = NodeTransport.prototype._send;
      jest.spyOn(NodeTransport.prototype, '_send').mockImplementation(function (this: NodeTransport, frame) {
        writes.push(performance.now());
        return write.call(this, frame);
      });
      return { subject, received, writes, subscription };
    }

    it('sends what is published within the linger after a write in one later write, in order', async () => {
      const connection = await openNatsConnection({ ...options(), writeLingerMs: LINGER_MS });
      opened.push(connection);
      const { subject, received, writes, subscription } = await watch(connection);
      connection.publish(subject, 'first');
      // Five more, each in a turn of its own, 2 ms apart: all within the linger of the first write.
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        connection.publish(subject, `next ${i}`);
      }
      await waitFor(() => received.length >= 6, { timeoutMs: 5_000, what: 'every message' });
      subscription.unsubscribe();
      expect(received).toEqual(['first', 'next 0', 'next 1', 'next 2', 'next 3', 'next 4']);
      expect(writes).toHaveLength(2);
      // The second write waited for the linger: the five were published within about 10 ms, and
      // without it they would have gone as soon. (Not `LINGER_MS` exactly: the event loop's clock,
      // which its timers count from, may lag `performance.now()` on a busy machine.)
      expect(writes[1]! - writes[0]!).toBeGreaterThanOrEqual(LINGER_MS / 2);
    });

    it('sends at the end of its turn what comes after a quiet moment', async () => {
      const connection = await openNatsConnection({ ...options(), writeLingerMs: LINGER_MS });
      opened.push(connection);
      const { subject, received, writes, subscription } = await watch(connection);
      const sentAt = performance.now();
      connection.publish(subject, 'after a quiet moment');
      await waitFor(() => received.length >= 1, { timeoutMs: 5_000, what: 'the message' });
      subscription.unsubscribe();
      expect(writes).toHaveLength(1);
      expect(writes[0]! - sentAt).toBeLessThan(LINGER_MS / 2);
    });
  });

  it('writes what it keeps before the connection closes', async () => {
    const connection = await openNatsConnection(options());
    const subject = `${nats.subjectPrefix}.coalescing.close`;
    const received: string[] = [];
    const subscription = nats.connection.subscribe(subject, {
      callback: (_error, msg) => void received.push(msg.string()),
    });
    await nats.connection.flush();
    await connection.flush();
    connection.publish(subject, 'last words');
    // nats.js hands what was published to its transport in a microtask; the transport keeps it
    // for the end of the turn, and the connection is closed before that.
    await Promise.resolve();
    await connection.close();
    await waitFor(() => received.length > 0, { timeoutMs: 5_000, what: 'the kept message' });
    expect(received).toEqual(['last words']);
    subscription.unsubscribe();
  });

  it('answers requests as before', async () => {
    const connection = await openNatsConnection(options());
    opened.push(connection);
    const subject = `${nats.subjectPrefix}.coalescing.echo`;
    const responder = connection.subscribe(subject, {
      callback: (_error, msg) => void msg.respond(`echo ${msg.string()}`),
    });
    await connection.flush();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => connection.request(subject, `${i}`, { timeout: 5_000 })),
    );
    expect(answers.map((answer) => answer.string())).toEqual(Array.from({ length: 50 }, (_, i) => `echo ${i}`));
    responder.unsubscribe();
  });
});
