import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createTestNats, type TestNats } from '@livedesk/testing';
import { ensureDurableConsumer } from './ensure-durable-consumer.js';
import { ensureStream } from './ensure-stream.js';

describe('JetStream provisioning', () => {
  let nats: TestNats;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nats = await createTestNats();
    jsm = await jetstreamManager(nats.connection);
  });

  afterAll(async () => {
    await nats?.cleanup();
  });

  it('creates a stream once when several replicas ensure it at the same time', async () => {
    const name = `${nats.streamPrefix}_RACE`;
    const options = { name, subjects: [`${nats.subjectPrefix}.race.>`], duplicateWindowMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 6 }, () => ensureStream(jsm, options)));
    expect(results.every((info) => info.config.name === name)).toBe(true);
    const info = await jsm.streams.info(name);
    expect(info.config.storage).toBe('file');
    expect(info.config.duplicate_window).toBe(60_000 * 1_000_000);
  });

  it('updates subjects and duplicate window from code, and is a no-op when nothing changed', async () => {
    const name = `${nats.streamPrefix}_EVOLVE`;
    await ensureStream(jsm, { name, subjects: [`${nats.subjectPrefix}.a.>`], duplicateWindowMs: 60_000 });
    const changed = {
      name,
      subjects: [`${nats.subjectPrefix}.a.>`, `${nats.subjectPrefix}.b.>`],
      duplicateWindowMs: 120_000,
    };
    await Promise.all([ensureStream(jsm, changed), ensureStream(jsm, changed), ensureStream(jsm, changed)]);
    const info = await ensureStream(jsm, changed);
    expect([...info.config.subjects].sort()).toEqual(changed.subjects);
    expect(info.config.duplicate_window).toBe(120_000 * 1_000_000);
  });

  it('refuses to switch a stream between file and memory storage', async () => {
    const name = `${nats.streamPrefix}_STORAGE`;
    await ensureStream(jsm, {
      name,
      subjects: [`${nats.subjectPrefix}.storage.>`],
      duplicateWindowMs: 1000,
      storage: 'memory',
    });
    await expect(
      ensureStream(jsm, { name, subjects: [`${nats.subjectPrefix}.storage.>`], duplicateWindowMs: 1000 }),
    ).rejects.toThrow(/memory storage, not file/);
  });

  it('creates one durable pull consumer under concurrent calls, updates it, and delivers with dedup', async () => {
    const stream = `${nats.streamPrefix}_EVENTS`;
    const subject = `${nats.subjectPrefix}.events.conversation`;
    await ensureStream(jsm, { name: stream, subjects: [`${nats.subjectPrefix}.events.>`], duplicateWindowMs: 60_000 });
    const consumer = { stream, name: 'metrics', filterSubject: subject, ackWaitMs: 30_000, maxDeliver: 5 };
    const created = await Promise.all(Array.from({ length: 6 }, () => ensureDurableConsumer(jsm, consumer)));
    expect(created.every((info) => info.config.durable_name === 'metrics')).toBe(true);
    expect(created[0]?.config.ack_policy).toBe('explicit');

    const updated = await ensureDurableConsumer(jsm, { ...consumer, ackWaitMs: 10_000, maxDeliver: 8 });
    expect(updated.config.ack_wait).toBe(10_000 * 1_000_000);
    expect(updated.config.max_deliver).toBe(8);
    expect((await jsm.consumers.list(stream).next()).length).toBe(1);

    const js = jetstream(nats.connection);
    await js.publish(subject, 'first', { msgID: 'event-1' });
    const repeat = await js.publish(subject, 'first', { msgID: 'event-1' });
    expect(repeat.duplicate).toBe(true);
    const pull = await js.consumers.get(stream, 'metrics');
    const message = await pull.next({ expires: 2000 });
    expect(message?.string()).toBe('first');
    message?.ack();
  });
});
