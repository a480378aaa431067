import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { RoutingState } from './routing-state.js';
import type { Reservation } from './routing-state-types.js';
import {
  addAgents,
  availabilityIndexViolations,
  capacityViolations,
  freshOrganization,
  queueChat,
  emptyHistoryRecovery,
} from './routing-test-kit.js';

const AGENTS = Array.from({ length: 20 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
const CAPACITY = 10;

/**
 * Two routing replicas: two RoutingState instances on two Redis connections, each running
 * several reservation loops at once, so that decisions of both interleave in Redis.
 */
describe('RoutingState: two replicas deciding at once', () => {
  let redis: TestRedis;
  let secondConnection: Redis;
  let replicas: [RoutingState, RoutingState];

  beforeAll(async () => {
    redis = await createTestRedis();
    secondConnection = new Redis(redis.url, { keyPrefix: redis.keyPrefix });
    replicas = [
      new RoutingState(redis.client, { recovery: emptyHistoryRecovery(redis.client) }),
      new RoutingState(secondConnection, { recovery: emptyHistoryRecovery(secondConnection) }),
    ];
  });

  afterAll(async () => {
    secondConnection?.disconnect();
    await redis?.cleanup();
  });

  /** Runs `loops` reservation loops per replica until the queue is drained and no more chats are coming. */
  async function reserveAll(org: string, loops: number, arrivalsDone: () => boolean): Promise<Reservation[]> {
    const reservations: Reservation[] = [];
    const loop = async (replica: RoutingState): Promise<void> => {
      for (;;) {
        const reservation = await replica.reserveNext(org, 'g', Date.now());
        if (reservation) {
          reservations.push(reservation);
        } else if (arrivalsDone()) {
          return;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
    };
    await Promise.all(replicas.flatMap((replica) => Array.from({ length: loops }, () => loop(replica))));
    return reservations;
  }

  async function expectNoDoubleNoLossNoOverflow(
    org: string,
    reservations: Reservation[],
    chatIds: string[],
  ): Promise<void> {
    const reserved = reservations.map((reservation) => reservation.chatId);
    expect(new Set(reserved).size).toBe(reserved.length); // never twice
    expect([...reserved].sort()).toEqual([...chatIds].sort()); // none lost
    expect(await capacityViolations(replicas[0], org, AGENTS)).toEqual([]);
    for (const agentId of AGENTS) {
      const held = reservations
        .filter((reservation) => reservation.agentId === agentId)
        .map((reservation) => reservation.chatId);
      expect(held.length).toBeLessThanOrEqual(CAPACITY);
      expect(await replicas[1].agentChats(org, agentId)).toEqual(held.sort());
    }
    expect(await replicas[0].queue(org, 'g')).toEqual([]);
    expect(await availabilityIndexViolations(redis.client, replicas[0], org, AGENTS, ['g'])).toEqual([]);
  }

  it('reserves 200 queued chats for 20 agents of capacity 10: none twice, none lost, nobody over capacity', async () => {
    const org = freshOrganization();
    await addAgents(replicas[0], org, AGENTS, { chat: CAPACITY });
    const chatIds = Array.from({ length: 200 }, (_, i) => `chat-${i}`);
    await Promise.all(chatIds.map((chatId, i) => queueChat(replicas[i % 2]!, org, chatId, 1_000 + i)));

    const reservations = await reserveAll(org, 8, () => true);

    expect(reservations).toHaveLength(200);
    await expectNoDoubleNoLossNoOverflow(org, reservations, chatIds);
    for (const agentId of AGENTS)
      expect(await replicas[0].load(org, agentId)).toEqual({ chat: CAPACITY, messaging: 0 });
    // A 201st chat waits: every slot is taken.
    await queueChat(replicas[0], org, 'chat-200', 5_000);
    expect(await replicas[1].reserveNext(org, 'g', 5_001)).toBeNull();
  });

  it('reserves 200 chats arriving within one second on both replicas while both decide', async () => {
    const org = freshOrganization();
    await addAgents(replicas[1], org, AGENTS, { chat: CAPACITY });
    const chatIds = Array.from({ length: 200 }, (_, i) => `chat-${i}`);
    let arrived = 0;
    const arrivals = (async () => {
      const start = Date.now();
      await Promise.all(
        chatIds.map(async (chatId, i) => {
          await new Promise((resolve) => setTimeout(resolve, Math.floor((i * 900) / chatIds.length)));
          await queueChat(replicas[i % 2]!, org, chatId, start + i);
          arrived += 1;
        }),
      );
    })();

    const reservations = await reserveAll(org, 4, () => arrived === chatIds.length);
    await arrivals;

    await expectNoDoubleNoLossNoOverflow(org, reservations, chatIds);
  });

  it('with more chats than slots, fills every slot and leaves the newest chats queued, in order', async () => {
    const org = freshOrganization();
    await addAgents(replicas[0], org, AGENTS, { chat: CAPACITY });
    const chatIds = Array.from({ length: 260 }, (_, i) => `chat-${String(i).padStart(3, '0')}`);
    for (const [i, chatId] of chatIds.entries()) await queueChat(replicas[i % 2]!, org, chatId, 1_000 + i);

    const reservations = await reserveAll(org, 8, () => true);

    const reserved = reservations.map((reservation) => reservation.chatId);
    expect(new Set(reserved).size).toBe(200);
    expect([...reserved].sort()).toEqual(chatIds.slice(0, 200));
    expect((await replicas[1].queue(org, 'g')).map((entry) => entry.chatId)).toEqual(chatIds.slice(200));
    expect(await capacityViolations(replicas[0], org, AGENTS)).toEqual([]);
    expect(await availabilityIndexViolations(redis.client, replicas[0], org, AGENTS, ['g'])).toEqual([]);
  });

  it('keeps capacity when releases, re-queues and event replays race with decisions', async () => {
    const org = freshOrganization();
    await addAgents(replicas[0], org, AGENTS, { chat: 3 });
    const chatIds = Array.from({ length: 300 }, (_, i) => `chat-${i}`);
    for (const [i, chatId] of chatIds.entries()) await queueChat(replicas[0], org, chatId, i);
    const finished = new Set<string>();
    const passedOnce = new Set<string>();

    const worker = async (replica: RoutingState, seed: number): Promise<void> => {
      let step = seed;
      while (finished.size < chatIds.length) {
        const reservation = await replica.reserveNext(org, 'g', 10_000 + step);
        step += 1;
        if (!reservation) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        // The event of the reservation, delivered twice; then the chat is resolved, or sent back to
        // the queue (a transfer to the group), or let pass by its agent (auto-transfer).
        await replica.assigned(org, reservation.chatId, reservation.agentId, 10_000 + step);
        await replica.assigned(org, reservation.chatId, reservation.agentId, 10_000 + step);
        if (step % 5 === 0) {
          await replica.enqueue(org, reservation.chatId, 'g', 0);
          continue;
        }
        if (step % 7 === 0 && !passedOnce.has(reservation.chatId)) {
          passedOnce.add(reservation.chatId);
          await replica.markPassed(org, reservation.chatId, reservation.agentId);
          await replica.enqueue(org, reservation.chatId, 'g', 0);
          continue;
        }
        finished.add(reservation.chatId);
        await replica.released(org, reservation.chatId);
      }
    };
    const checker = (async () => {
      while (finished.size < chatIds.length) {
        // Load against limit only: load and held chats are two reads here, not one snapshot.
        const violations = await capacityViolations(replicas[1], org, AGENTS);
        expect(violations.filter((line) => !line.includes('holds'))).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await Promise.all([
      ...replicas.flatMap((replica, r) => [0, 1, 2].map((i) => worker(replica, r * 100 + i))),
      checker,
    ]);

    for (const agentId of AGENTS) {
      expect(await replicas[0].load(org, agentId)).toEqual({ chat: 0, messaging: 0 });
      expect(await replicas[0].agentChats(org, agentId)).toEqual([]);
    }
    expect(await replicas[0].queue(org, 'g')).toEqual([]);
    expect(await availabilityIndexViolations(redis.client, replicas[0], org, AGENTS, ['g'])).toEqual([]);
  });
});
