import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { OwnNatsServer, uniqueTestId, waitFor } from '@livedesk/testing';
import { openNatsConnection } from '../connection/open-nats-connection.js';
import { OrderedFollower } from './ordered-follower.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Issue 11: after NATS restarts, nats.js's own ordered consumer pulled only as many messages as
// it had received since its previous pull, and waited 30 s or more for the rest.
describe('OrderedFollower across NATS restarts', () => {
  let nats: OwnNatsServer;
  let connection: NatsConnection;
  let follower: OrderedFollower;
  const prefix = uniqueTestId();
  const stream = `${prefix.toUpperCase()}_FOLLOW`;
  const handled: { n: number; at: number }[] = [];

  beforeAll(async () => {
    nats = await OwnNatsServer.start();
    connection = await openNatsConnection({ url: nats.url, name: 'ordered-follower-test', subjectPrefix: prefix });
    const jsm = await jetstreamManager(connection);
    await jsm.streams.add({
      name: stream,
      subjects: [`${prefix}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
    });
    await publish(-1); // before the follower starts: never handled
    follower = new OrderedFollower({
      nats: connection,
      stream,
      filterSubject: `${prefix}.events.>`,
      handle: async (msg) => void handled.push({ n: Number(msg.string()), at: Date.now() }),
    });
    await follower.start();
  });

  afterAll(async () => {
    try {
      await nats?.restart();
      await follower?.stop();
      await connection?.drain().catch(() => undefined);
    } finally {
      await nats?.destroy();
    }
  });

  const publishedAt = new Map<number, number>();
  async function publish(n: number): Promise<void> {
    await jetstream(connection).publish(`${prefix}.events.x`, String(n), { msgID: `m-${n}` });
    publishedAt.set(n, Date.now());
  }

  it('hands on every message in order, once, within 2 s of NATS coming back', async () => {
    let n = 0;
    const latenesses: number[] = [];
    for (let restart = 1; restart <= 3; restart++) {
      for (let i = 0; i < 3; i++) await publish(n++);
      await waitFor(() => handled.length === n, { what: 'messages before the outage' });
      await nats.kill();
      await sleep(1500);
      await nats.restart();
      const backAt = Date.now();
      // More than were handled since the last pull: the batch nats.js would have asked for.
      const firstAfter = n;
      await waitFor(
        async () => {
          try {
            await publish(n);
            return true;
          } catch {
            return false;
          }
        },
        { timeoutMs: 10_000, what: 'a publish to go through' },
      );
      n++;
      for (let i = 0; i < 9; i++) await publish(n++);
      await waitFor(() => handled.length === n, {
        timeoutMs: 60_000,
        what: `all ${n} messages after restart ${restart}`,
      });
      // From the moment each was stored (acked), or NATS was back, whichever came later.
      latenesses.push(
        ...handled.filter((h) => h.n >= firstAfter).map((h) => h.at - Math.max(publishedAt.get(h.n)!, backAt)),
      );
    }
    expect(handled.map((h) => h.n)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(Math.max(...latenesses)).toBeLessThanOrEqual(2000);
  }, 120_000);
});
