/**
 * bench/relay: how many events per second the outbox relay moves from Postgres to JetStream,
 * next to its anchor in the same run: bare JetStream publishes with acks of the same envelopes
 * from one connection, as many on their way at once as the relay has (a batch). Every routing
 * decision, push and projection waits on the relay, so its rate caps them all
 * (bench/RESULTS.md, routing).
 *
 * The relay case: EVENTS events are appended first (a backlog, as a burst of commands leaves
 * it), then a relay starts and the time until JetStream holds every one is taken.
 *
 *   pnpm bench:relay                    EVENTS=30000 RUNS=3
 */
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventSubject } from '@livedesk/contracts';
import {
  createDatabase,
  ensureEventStream,
  EventStore,
  migrateEventStore,
  OutboxRelay,
  toEnvelope,
} from '@livedesk/event-store';
import { createTestDatabase, createTestNats, serviceUrls, waitFor } from '@livedesk/testing';
import { messageEvent } from '../event-store/message-event.js';
import { machineLine, writeResultsSection } from '../results/results-file.js';

const EVENTS = Number(process.env.EVENTS ?? 30_000);
const RUNS = Number(process.env.RUNS ?? 3);
/** As many publishes on their way at once as a relay batch holds (its default batch size). */
const IN_FLIGHT = 500;

interface RunResult {
  bare: number;
  relay: number;
}

async function run(): Promise<RunResult> {
  const urls = await serviceUrls();
  const [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
  const connection = await connect({ servers: urls.natsUrl, name: 'bench-relay' });
  const db = createDatabase(database.url, { max: 8 });
  try {
    await migrateEventStore(db);
    const store = new EventStore(db);
    // The backlog: 10 events to a stream, 8 writers.
    const streams = EVENTS / 10;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < streams) {
          const stream = `conversation-${randomUUID()}`;
          next += 1;
          await store.appendToStream(stream, Array.from({ length: 10 }, messageEvent), 'no_stream', {
            organizationId: 'org-bench',
          });
        }
      }),
    );

    // Anchor: the same envelopes published bare, IN_FLIGHT at a time, into a stream of their own.
    const jsm = await jetstreamManager(connection);
    const anchorStream = `${nats.streamPrefix}_ANCHOR`;
    const anchorPrefix = `${nats.subjectPrefix}-anchor`;
    await ensureEventStream(jsm, { name: anchorStream, subjectPrefix: anchorPrefix, replicas: 1 });
    const js = jetstream(connection);
    const envelopes = Array.from({ length: EVENTS }, (_, i) => ({
      subject: eventSubject(anchorPrefix, `conversation-${i % streams}`),
      body: JSON.stringify(
        toEnvelope({
          eventId: randomUUID(),
          streamId: `conversation-${i % streams}`,
          streamVersion: 1 + Math.floor(i / streams),
          globalPosition: i + 1,
          transactionId: '1',
          organizationId: 'org-bench',
          type: 'MessagePosted',
          schemaVersion: 2,
          data: messageEvent().data,
          metadata: {},
          occurredAt: new Date(),
        }),
      ),
    }));
    const bareStarted = performance.now();
    for (let i = 0; i < EVENTS; i += IN_FLIGHT) {
      await Promise.all(
        envelopes
          .slice(i, i + IN_FLIGHT)
          .map(({ subject, body }, j) =>
            js.publish(subject, body, { msgID: `${i + j}`, expect: { streamName: anchorStream } }),
          ),
      );
    }
    const bare = EVENTS / ((performance.now() - bareStarted) / 1000);

    // The relay over the backlog.
    const streamName = `${nats.streamPrefix}_EVENTS`;
    let relayed = 0;
    const relay = new OutboxRelay({
      db,
      databaseUrl: database.url,
      nats: connection,
      streamName,
      subjectPrefix: nats.subjectPrefix,
      onPublished: (events) => void (relayed += events.length),
    });
    const relayStarted = performance.now();
    await relay.start();
    await waitFor(async () => relayed >= EVENTS, { timeoutMs: 300_000, intervalMs: 5, what: 'every event relayed' });
    const relaySeconds = (performance.now() - relayStarted) / 1000;
    await relay.stop();
    const { state } = await (await jsm.streams.get(streamName)).info();
    if (state.messages !== EVENTS) throw new Error(`JetStream holds ${state.messages} of ${EVENTS} events`);
    return { bare, relay: EVENTS / relaySeconds };
  } finally {
    await connection.drain().catch(() => undefined);
    await db.destroy();
    await database.drop();
    await nats.cleanup();
  }
}

async function main(): Promise<void> {
  const results: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await run();
    console.log(`run ${i + 1}: bare JetStream ${Math.round(result.bare)}/s, relay ${Math.round(result.relay)}/s`);
    results.push(result);
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  writeResultsSection(
    'relay',
    [
      '## relay (`pnpm bench:relay`)',
      '',
      `Run on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}. This process holds the relay and the anchor's publisher; PostgreSQL and NATS share the machine.`,
      '',
      `${EVENTS.toLocaleString('en')} events (\`MessagePosted\`, 10 to a stream) appended first, then an outbox relay started: events per second until JetStream held every one. Anchor: the same number of envelopes published bare from this process, ${IN_FLIGHT} on their way at a time (one relay batch), each with its ack.`,
      '',
      '| run | bare JetStream publishes/s | relay events/s | relay / bare |',
      '|---|---|---|---|',
      ...results.map(
        (result, i) =>
          `| ${i + 1} | ${fmt(result.bare)} | ${fmt(result.relay)} | ${Math.round((result.relay / result.bare) * 100)} % |`,
      ),
    ].join('\n'),
  );
}

await main();
