import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createTestNats, waitFor, type TestNats } from '@livedesk/testing';
import { sql, type Transaction } from 'kysely';
import type { ApplyOutcome } from './apply-event.js';
import { BatchSubscription } from './batch-subscription.js';
import { listDeadLetters, moveDeadLetter, type DeadLetter } from './dead-letters.js';
import { EventSubscription } from './event-subscription.js';
import { OutboxRelay } from './outbox-relay.js';
import { createEventStoreFixture, injectEvent, newEvent, type EventStoreFixture } from './test-support.js';
import type { RecordedEvent } from './types.js';

let f: EventStoreFixture;
let nats: TestNats;
let relay: OutboxRelay;
let streamName: string;
beforeAll(async () => {
  f = await createEventStoreFixture();
  nats = await createTestNats();
  streamName = `${nats.streamPrefix}_EVENTS`;
  relay = new OutboxRelay({
    db: f.db,
    databaseUrl: f.database.url,
    nats: nats.connection,
    streamName,
    subjectPrefix: nats.subjectPrefix,
  });
  await relay.start();
  await sql`CREATE TABLE applied (consumer text, event_id uuid, stream_id text, stream_version int, data_bytes int, PRIMARY KEY (consumer, event_id))`.execute(
    f.db,
  );
});
afterAll(async () => {
  await relay.stop();
  await nats.cleanup();
  await f.close();
});

const org = { organizationId: 'org-a' };

async function record(consumer: string, event: RecordedEvent, trx: Transaction<any>): Promise<void> {
  await sql`INSERT INTO applied VALUES (${consumer}, ${event.eventId}, ${event.streamId}, ${event.streamVersion}, ${JSON.stringify(event.data).length})`.execute(
    trx,
  );
}

async function appliedOf(
  consumer: string,
): Promise<{ event_id: string; stream_id: string; stream_version: number; data_bytes: number }[]> {
  const { rows } = await sql<{ event_id: string; stream_id: string; stream_version: number; data_bytes: number }>`
    SELECT event_id, stream_id, stream_version, data_bytes FROM applied WHERE consumer = ${consumer} ORDER BY stream_id, stream_version`.execute(
    f.db,
  );
  return rows;
}

async function lettersOf(reader: string): Promise<DeadLetter[]> {
  return listDeadLetters(f.db, { reader });
}

async function positionOf(consumer: string, streamId: string): Promise<number | undefined> {
  const { rows } = await sql<{ v: string }>`
    SELECT stream_version AS v FROM event_store.consumer_positions WHERE consumer = ${consumer} AND stream_id = ${streamId}`.execute(
    f.db,
  );
  return rows[0] ? Number(rows[0].v) : undefined;
}

/** A stream of three events in each of two streams of `category`; the second event of the first is the poison. */
async function twoStreams(category: string): Promise<{ poison: string; all: string[] }> {
  const first = [newEvent(), newEvent(), newEvent()];
  const second = [newEvent(), newEvent(), newEvent()];
  await f.store.appendToStream(`${category}-1`, first, 'no_stream', org);
  await f.store.appendToStream(`${category}-2`, second, 'no_stream', org);
  return { poison: first[1]!.eventId, all: [...first, ...second].map((e) => e.eventId) };
}

describe('EventSubscription and an event it cannot apply', () => {
  it('parks the event after its attempts, with the error, moves past it and applies the rest of its stream and the others', async () => {
    const { poison, all } = await twoStreams('dlone');
    let fixed = false;
    const subscription = new EventSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'dl-one',
      filterSubject: `${nats.subjectPrefix}.events.dlone.>`,
      parkAfterAttempts: 3,
      replayPollMs: 100,
      handler: async (event, trx) => {
        if (event.eventId === poison && !fixed) throw new Error('the projection cannot take this event');
        await record('dl-one', event, trx);
      },
    });
    await subscription.start();
    try {
      await waitFor(async () => (await appliedOf('dl-one')).length === 5, {
        timeoutMs: 15_000,
        what: 'the five other events',
      });
      expect((await appliedOf('dl-one')).map((r) => r.event_id).sort()).toEqual(
        all.filter((id) => id !== poison).sort(),
      );
      const [letter, ...more] = await lettersOf('dl-one');
      expect(more).toEqual([]);
      expect(letter).toMatchObject({
        eventId: poison,
        streamId: 'dlone-1',
        streamVersion: 2,
        reason: 'handler_failed',
        attempts: 3,
        status: 'parked',
      });
      expect(letter!.error).toBe('Error: the projection cannot take this event');
      expect(await positionOf('dl-one', 'dlone-1')).toBe(3);

      // An operator fixed the cause and asks for a replay: the handler gets the event, whatever the position.
      fixed = true;
      await moveDeadLetter(f.db, letter!.id, ['parked'], 'replay_requested');
      await waitFor(async () => (await appliedOf('dl-one')).length === 6, { timeoutMs: 10_000, what: 'the replay' });
      expect((await lettersOf('dl-one'))[0]).toMatchObject({ status: 'replayed' });
      expect(await positionOf('dl-one', 'dlone-1')).toBe(3);
    } finally {
      await subscription.stop();
    }
  });

  it('parks a dead letter again, with the new error, when its replay fails', async () => {
    const { poison } = await twoStreams('dltwo');
    const subscription = new EventSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'dl-two',
      filterSubject: `${nats.subjectPrefix}.events.dltwo.>`,
      parkAfterAttempts: 2,
      replayPollMs: 100,
      handler: async (event, trx) => {
        if (event.eventId === poison) throw new Error(`refused at ${Date.now()}`);
        await record('dl-two', event, trx);
      },
    });
    await subscription.start();
    try {
      await waitFor(async () => (await lettersOf('dl-two')).length === 1, {
        timeoutMs: 15_000,
        what: 'the dead letter',
      });
      const [parked] = await lettersOf('dl-two');
      await moveDeadLetter(f.db, parked!.id, ['parked'], 'replay_requested');
      await waitFor(async () => (await lettersOf('dl-two'))[0]!.status === 'parked', {
        timeoutMs: 10_000,
        what: 'parked again',
      });
      const [again] = await lettersOf('dl-two');
      expect(again!.attempts).toBe(parked!.attempts + 1);
      expect(again!.error).not.toBe(parked!.error);
      expect((await appliedOf('dl-two')).some((r) => r.event_id === poison)).toBe(false);
    } finally {
      await subscription.stop();
    }
  });

  it('never parks an event for a dependency that is away: it is applied once the dependency answers', async () => {
    const { poison: delayed } = await twoStreams('dloutage');
    let outages = 3;
    const subscription = new EventSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'dl-outage',
      filterSubject: `${nats.subjectPrefix}.events.dloutage.>`,
      parkAfterAttempts: 2,
      handler: async (event, trx) => {
        if (event.eventId === delayed && outages-- > 0)
          throw Object.assign(new Error('no responders: cmd.conversation.get_chat'), { name: 'NoRespondersError' });
        await record('dl-outage', event, trx);
      },
    });
    await subscription.start();
    try {
      await waitFor(async () => (await appliedOf('dl-outage')).length === 6, {
        timeoutMs: 15_000,
        what: 'all six events',
      });
      expect(await lettersOf('dl-outage')).toEqual([]);
      expect(
        (await appliedOf('dl-outage')).filter((r) => r.stream_id === 'dloutage-1').map((r) => r.stream_version),
      ).toEqual([1, 2, 3]);
    } finally {
      await subscription.stop();
    }
  });

  it('applies from the event store the events JetStream lost, instead of waiting for them forever', async () => {
    const events = [newEvent(), newEvent(), newEvent()];
    await f.store.appendToStream('dlgap-1', events, 'no_stream', org);
    // JetStream loses the second one (a message dropped after too many deliveries, a restored backup).
    const subject = `${nats.subjectPrefix}.events.dlgap.dlgap-1`;
    const reader = await jetstream(nats.connection).consumers.get(streamName, { filter_subjects: subject });
    const seqs = await waitFor(
      async () => {
        const found = new Map<number, number>();
        for await (const msg of await reader.fetch({ max_messages: 3, expires: 1000 }))
          found.set((msg.json() as { stream_version: number }).stream_version, msg.seq);
        return found.size === 3 ? found : undefined;
      },
      { what: 'the three messages' },
    );
    await (await jetstreamManager(nats.connection)).streams.deleteMessage(streamName, seqs.get(2)!);

    const subscription = new EventSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'dl-gap',
      filterSubject: `${nats.subjectPrefix}.events.dlgap.>`,
      fillGapAfterDeliveries: 3,
      handler: (event, trx) => record('dl-gap', event, trx),
    });
    await subscription.start();
    try {
      await waitFor(async () => (await appliedOf('dl-gap')).length === 3, {
        timeoutMs: 15_000,
        what: 'the three events',
      });
      expect((await appliedOf('dl-gap')).map((r) => [r.event_id, r.stream_version])).toEqual(
        events.map((e, i) => [e.eventId, i + 1]),
      );
      expect(await positionOf('dl-gap', 'dlgap-1')).toBe(3);
    } finally {
      await subscription.stop();
    }
  });

  it('applies an event the relay published by reference, whole, read from the event store', async () => {
    await f.store.appendToStream('dlref-1', [newEvent()], 'no_stream', org);
    const huge = await injectEvent(f.db, 'dlref-1', org.organizationId, 'TicketCreated', {
      transcript: 'x'.repeat(1_500_000),
    });
    await f.store.appendToStream('dlref-1', [newEvent()], 2, org);
    const subscription = new EventSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'dl-ref',
      filterSubject: `${nats.subjectPrefix}.events.dlref.>`,
      handler: (event, trx) => record('dl-ref', event, trx),
    });
    await subscription.start();
    try {
      await waitFor(async () => (await appliedOf('dl-ref')).length === 3, { timeoutMs: 15_000, what: 'three events' });
      const rows = await appliedOf('dl-ref');
      expect(rows.map((r) => r.stream_version)).toEqual([1, 2, 3]);
      expect(rows[1]).toMatchObject({ event_id: huge.eventId });
      expect(rows[1]!.data_bytes).toBeGreaterThan(1_500_000);
      // The relay parked it; the subscription lost nothing.
      expect(await lettersOf('outbox-relay')).toEqual([
        expect.objectContaining({ eventId: huge.eventId, reason: 'too_large' }),
      ]);
      expect(await lettersOf('dl-ref')).toEqual([]);
    } finally {
      await subscription.stop();
    }
  });

  it('with positions kept elsewhere (apply), skips a parked event through `skip` and replays through `replay`', async () => {
    const { poison, all } = await twoStreams('dlapply');
    const positions = new Map<string, number>();
    const handled: string[] = [];
    let fixed = false;
    const handle = async (event: RecordedEvent) => {
      if (event.eventId === poison && !fixed) throw new Error('no');
      handled.push(event.eventId);
    };
    const inOrder = async (event: RecordedEvent, run: () => Promise<void>): Promise<ApplyOutcome> => {
      const at = positions.get(event.streamId) ?? 0;
      if (event.streamVersion <= at) return 'already_applied';
      if (event.streamVersion > at + 1) return 'out_of_order';
      await run();
      positions.set(event.streamId, event.streamVersion);
      return 'applied';
    };
    const subscription = new EventSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'dl-apply',
      filterSubject: `${nats.subjectPrefix}.events.dlapply.>`,
      parkAfterAttempts: 2,
      replayPollMs: 100,
      apply: (event) => inOrder(event, () => handle(event)),
      skip: async (event) => void (await inOrder(event, async () => undefined)),
      replay: handle,
    });
    await subscription.start();
    try {
      await waitFor(() => handled.length === 5, { timeoutMs: 15_000, what: 'the five other events' });
      expect(positions.get('dlapply-1')).toBe(3);
      const [letter] = await lettersOf('dl-apply');
      expect(letter).toMatchObject({ eventId: poison, status: 'parked' });
      fixed = true;
      await moveDeadLetter(f.db, letter!.id, ['parked'], 'replay_requested');
      await waitFor(() => handled.length === 6, { timeoutMs: 10_000, what: 'the replay' });
      expect([...handled].sort()).toEqual([...all].sort());
    } finally {
      await subscription.stop();
    }
  });
});

describe('BatchSubscription and an event it cannot apply', () => {
  it('parks the event after its attempts and applies the rest of its batch and its stream; a replay reaches the handler', async () => {
    const { poison, all } = await twoStreams('dlbatch');
    let fixed = false;
    let batchesWithPoison = 0;
    const subscription = new BatchSubscription({
      db: f.db,
      nats: nats.connection,
      streamName,
      consumer: 'dl-batch',
      filterSubject: `${nats.subjectPrefix}.events.dlbatch.>`,
      parkAfterAttempts: 3,
      replayPollMs: 100,
      handler: async (events, trx) => {
        if (!fixed && events.some((e) => e.eventId === poison)) {
          if (events.length > 1) batchesWithPoison++;
          throw new Error('Infinity does not fit a NOT NULL column');
        }
        for (const event of events) await record('dl-batch', event, trx);
      },
    });
    await subscription.start();
    try {
      await waitFor(async () => (await appliedOf('dl-batch')).length === 5, {
        timeoutMs: 15_000,
        what: 'the five other events',
      });
      expect((await appliedOf('dl-batch')).map((r) => r.event_id).sort()).toEqual(
        all.filter((id) => id !== poison).sort(),
      );
      const [letter] = await lettersOf('dl-batch');
      expect(letter).toMatchObject({
        eventId: poison,
        reason: 'handler_failed',
        attempts: 3,
        status: 'parked',
        error: 'Error: Infinity does not fit a NOT NULL column',
      });
      // Once suspect, the event went alone: it did not fail the batches of other events again and again.
      expect(batchesWithPoison).toBeLessThanOrEqual(1);
      fixed = true;
      await moveDeadLetter(f.db, letter!.id, ['parked'], 'replay_requested');
      await waitFor(async () => (await appliedOf('dl-batch')).length === 6, { timeoutMs: 10_000, what: 'the replay' });
      expect((await lettersOf('dl-batch'))[0]).toMatchObject({ status: 'replayed' });
    } finally {
      await subscription.stop();
    }
  });
});
