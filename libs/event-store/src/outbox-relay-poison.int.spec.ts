import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { EventEnvelope } from '@livedesk/contracts';
import { createTestNats, freePort, waitFor, type TestNats } from '@livedesk/testing';
import { BY_REFERENCE_KEY } from './by-reference.js';
import { loadCheckpoint } from './checkpoints.js';
import { append } from './append.js';
import { getDeadLetter, listDeadLetters, moveDeadLetter } from './dead-letters.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import { createEventStoreFixture, injectEvent, newEvent, type EventStoreFixture } from './test-support.js';

// Each test has a database of its own (the relay's checkpoint starts at the beginning) and a
// JetStream stream of its own.
const fixtures: EventStoreFixture[] = [];
let nats: TestNats;
beforeAll(async () => {
  nats = await createTestNats();
});
afterAll(async () => {
  await nats.cleanup();
  for (const f of fixtures) await f.close();
});

async function fixture(): Promise<EventStoreFixture> {
  const f = await createEventStoreFixture();
  fixtures.push(f);
  return f;
}

let streamCounter = 0;
function relayOptions(
  f: EventStoreFixture,
  connection: NatsConnection,
  extra: Partial<OutboxRelayOptions> = {},
): OutboxRelayOptions {
  const streamName = `${nats.streamPrefix}_POISON_${++streamCounter}`;
  return {
    db: f.db,
    databaseUrl: f.database.url,
    nats: connection,
    streamName,
    subjectPrefix: `${nats.subjectPrefix}.${streamName.toLowerCase()}`,
    leadershipRetryMs: 100,
    fallbackPollMs: 200,
    ...extra,
  };
}

async function storedCount(connection: NatsConnection, streamName: string): Promise<number> {
  return (await (await jetstreamManager(connection)).streams.info(streamName)).state.messages;
}

async function storedEnvelopes(connection: NatsConnection, streamName: string): Promise<EventEnvelope[]> {
  const count = await storedCount(connection, streamName);
  const consumer = await jetstream(connection).consumers.get(streamName);
  const envelopes: EventEnvelope[] = [];
  for await (const msg of await consumer.fetch({ max_messages: count, expires: 5000 }))
    envelopes.push(EventEnvelope.parse(msg.json()));
  return envelopes;
}

/** Every stream's envelopes in the order stored, as `stream:version`. */
function versionsByStream(envelopes: EventEnvelope[]): Record<string, number[]> {
  const byStream: Record<string, number[]> = {};
  for (const envelope of envelopes) (byStream[envelope.stream_id] ??= []).push(envelope.stream_version);
  return byStream;
}

const orgA = 'org-a';
const orgB = 'org-b';

describe('OutboxRelay and an event NATS cannot take', () => {
  it('parks an event larger than max_payload, publishes a placeholder in its place, and publishes every event after it once', async () => {
    const f = await fixture();
    const options = relayOptions(f, nats.connection);
    // Written before the relay starts: the poison sits in the middle of one batch.
    await f.store.appendToStream('conversation-a1', [newEvent(), newEvent()], 'no_stream', { organizationId: orgA });
    const poison = await injectEvent(f.db, 'ticket-a1', orgA, 'TicketCreated', {
      transcript: 'x'.repeat(2 * 1024 * 1024),
    });
    await f.store.appendToStream('ticket-a1', [newEvent()], 1, { organizationId: orgA });
    await f.store.appendToStream('conversation-b1', [newEvent(), newEvent(), newEvent()], 'no_stream', {
      organizationId: orgB,
    });
    const relay = new OutboxRelay(options);
    await relay.start();
    try {
      await waitFor(async () => (await storedCount(nats.connection, options.streamName)) === 7, {
        timeoutMs: 10_000,
        what: '7 messages',
      });
      // And not more: nothing is re-sent.
      await new Promise((resolve) => setTimeout(resolve, 700));
      const envelopes = await storedEnvelopes(nats.connection, options.streamName);
      expect(envelopes).toHaveLength(7);
      expect(new Set(envelopes.map((e) => e.event_id)).size).toBe(7);
      expect(versionsByStream(envelopes)).toEqual({
        'conversation-a1': [1, 2],
        'ticket-a1': [1, 2],
        'conversation-b1': [1, 2, 3],
      });
      const placeholder = envelopes.find((e) => e.event_id === poison.eventId)!;
      expect(placeholder).toMatchObject({
        stream_id: 'ticket-a1',
        stream_version: 1,
        type: 'TicketCreated',
        data: null,
      });
      expect(placeholder.metadata[BY_REFERENCE_KEY]).toMatchObject({ reason: 'too_large' });

      const [letter, ...others] = await listDeadLetters(f.db);
      expect(others).toEqual([]);
      expect(letter).toMatchObject({
        reader: 'outbox-relay',
        eventId: poison.eventId,
        streamId: 'ticket-a1',
        organizationId: orgA,
        reason: 'too_large',
        status: 'parked',
      });
      expect(letter!.error).toMatch(/max_payload/);
      // The relay went on: its checkpoint is past every event.
      await waitFor(
        async () =>
          (await loadCheckpoint(f.db, 'outbox-relay'))?.globalPosition ===
          envelopes.map((e) => e.global_position).sort((a, b) => b - a)[0],
        { what: 'the checkpoint at the end' },
      );
    } finally {
      await relay.stop();
    }
  });

  it('reads max_payload from the server it is connected to, and publishes the event whole when replayed once it fits', async () => {
    const server = await smallNatsServer(16 * 1024);
    try {
      const f = await fixture();
      const options = relayOptions(f, server.connection);
      await f.store.appendToStream(
        'conversation-s1',
        [newEvent('MessagePosted', { text: 'y'.repeat(32 * 1024) }), newEvent()],
        'no_stream',
        { organizationId: orgA },
      );
      const relay = new OutboxRelay({ ...options, replayPollMs: 100 });
      await relay.start();
      try {
        await waitFor(async () => (await storedCount(server.connection, options.streamName)) === 2, {
          timeoutMs: 10_000,
          what: '2 messages',
        });
        const [first, second] = await storedEnvelopes(server.connection, options.streamName);
        expect(first).toMatchObject({ stream_version: 1, data: null });
        expect(second).toMatchObject({ stream_version: 2, data: { tag: 'x' } });
        const [letter] = await listDeadLetters(f.db);
        expect(letter).toMatchObject({ reason: 'too_large', error: expect.stringContaining('16384') });

        // The operator raises max_payload and replays: the relay publishes the event whole, once.
        await server.restart(64 * 1024);
        await moveDeadLetter(f.db, letter!.id, ['parked'], 'replay_requested');
        await waitFor(async () => (await storedCount(server.connection, options.streamName)) === 3, {
          timeoutMs: 15_000,
          what: 'the replayed event',
        });
        const replayed = (await storedEnvelopes(server.connection, options.streamName))[2]!;
        expect(replayed).toMatchObject({
          event_id: letter!.eventId,
          stream_version: 1,
          data: { text: 'y'.repeat(32 * 1024) },
        });
        // Marked in the transaction the publish ran in, which commits just after the ack.
        await waitFor(async () => (await getDeadLetter(f.db, letter!.id))!.status === 'replayed', {
          what: 'the dead letter replayed',
        });
        expect(await storedCount(server.connection, options.streamName)).toBe(3);
      } finally {
        await relay.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it('parks an event JetStream refuses for good after it was sent, and goes on', async () => {
    const f = await fixture();
    const options = relayOptions(f, nats.connection);
    const relay = new OutboxRelay(options);
    await relay.start();
    try {
      await waitFor(() => relay.isLeader, { what: 'leadership' });
      const jsm = await jetstreamManager(nats.connection);
      // Within NATS's max_payload, beyond what this stream stores.
      await jsm.streams.update(options.streamName, { max_msg_size: 8 * 1024 });
      const big = newEvent('MessagePosted', { text: 'z'.repeat(16 * 1024) });
      await f.db.transaction().execute(async (trx) => {
        await append(trx, 'conversation-r1', orgA, [newEvent(), big, newEvent()], 'no_stream');
        await append(trx, 'conversation-r2', orgB, [newEvent(), newEvent()], 'no_stream');
      });
      f.store.notifyAppended();
      await waitFor(async () => (await storedCount(nats.connection, options.streamName)) === 5, {
        timeoutMs: 10_000,
        what: '5 messages',
      });
      await new Promise((resolve) => setTimeout(resolve, 700));
      const envelopes = await storedEnvelopes(nats.connection, options.streamName);
      expect(new Set(envelopes.map((e) => e.event_id)).size).toBe(5);
      expect(envelopes.find((e) => e.event_id === big.eventId)).toMatchObject({
        data: null,
        metadata: { [BY_REFERENCE_KEY]: { reason: 'refused' } },
      });
      // The placeholder came after the events sent behind the refused one.
      expect(versionsByStream(envelopes)).toEqual({ 'conversation-r1': [1, 3, 2], 'conversation-r2': [1, 2] });
      expect(await listDeadLetters(f.db)).toEqual([
        expect.objectContaining({ eventId: big.eventId, reason: 'refused' }),
      ]);
    } finally {
      await relay.stop();
    }
  });

  it('retries a transient failure without parking, and never stores an acknowledged event twice, even past the duplicate window', async () => {
    const f = await fixture();
    const options = relayOptions(f, nats.connection);
    const relay = new OutboxRelay(options);
    await relay.start();
    try {
      await waitFor(() => relay.isLeader, { what: 'leadership' });
      const jsm = await jetstreamManager(nats.connection);
      const conversations = `${options.subjectPrefix}.events.conversation.>`;
      // Ticket events find no stream for a while (no responders, as when a stream is away), and
      // JetStream forgets message ids after 200 ms: only the relay can keep from re-sending.
      await jsm.streams.update(options.streamName, { subjects: [conversations], duplicate_window: nanos(200) });
      await f.db.transaction().execute(async (trx) => {
        await append(trx, 'conversation-t1', orgA, [newEvent(), newEvent()], 'no_stream');
        await append(trx, 'ticket-t1', orgA, [newEvent()], 'no_stream');
        await append(trx, 'conversation-t2', orgB, [newEvent(), newEvent(), newEvent()], 'no_stream');
      });
      f.store.notifyAppended();
      await waitFor(async () => (await storedCount(nats.connection, options.streamName)) === 5, {
        timeoutMs: 10_000,
        what: 'the conversation events',
      });
      // Several failed rounds, each well past the duplicate window.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await storedCount(nats.connection, options.streamName)).toBe(5);
      expect(await listDeadLetters(f.db)).toEqual([]);

      await jsm.streams.update(options.streamName, { subjects: [`${options.subjectPrefix}.events.>`] });
      await waitFor(async () => (await storedCount(nats.connection, options.streamName)) === 6, {
        timeoutMs: 10_000,
        what: 'the ticket event',
      });
      await new Promise((resolve) => setTimeout(resolve, 700));
      const envelopes = await storedEnvelopes(nats.connection, options.streamName);
      expect(envelopes).toHaveLength(6);
      expect(new Set(envelopes.map((e) => e.event_id)).size).toBe(6);
      expect(envelopes.every((e) => e.data !== null)).toBe(true);
    } finally {
      await relay.stop();
    }
  });
});

/**
 * A NATS server of this test's own with a small max_payload (the shared one keeps its
 * settings); `restart` starts it again on the same port and store with another max_payload.
 */
async function smallNatsServer(
  maxPayload: number,
): Promise<{ connection: NatsConnection; restart(maxPayload: number): Promise<void>; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'livedesk-nats-'));
  const port = await freePort();
  const config = join(dir, 'nats.conf');
  let child: ChildProcess;
  const run = (max: number) => {
    writeFileSync(
      config,
      `listen: 127.0.0.1:${port}\nmax_payload: ${max}\njetstream { store_dir: "${join(dir, 'js')}" }\n`,
    );
    child = spawn('/usr/sbin/nats-server', ['-c', config], { stdio: 'ignore' });
  };
  const halt = async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  run(maxPayload);
  let connection: NatsConnection | undefined;
  await waitFor(
    async () => {
      connection = await connect({
        servers: `nats://127.0.0.1:${port}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 100,
      }).catch(() => undefined);
      return connection !== undefined;
    },
    { timeoutMs: 10_000, what: 'the small NATS server' },
  );
  return {
    connection: connection!,
    async restart(max: number) {
      await halt();
      run(max);
      await waitFor(() => connection!.info?.max_payload === max, { timeoutMs: 15_000, what: 'the reconnection' });
    },
    async stop() {
      await connection!.close();
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
