import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Clock, ServiceConfig } from '@livedesk/service-kit';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import type { RoutingConfig } from '../routing-config.js';
import { RoutingState } from '../state/routing-state.js';
import { emptyHistoryRecovery, freshOrganization, queueChat } from '../state/routing-test-kit.js';
import { RoutingTimers } from '../timers/routing-timers.js';
import type { ConversationCommands } from './conversation-commands.js';
import { Dispatcher } from './dispatcher.js';
import type { RoutingSignals } from './routing-signals.js';

/**
 * The dispatcher's timers and clock are jest's fake ones (Date, setTimeout), so the spacing of
 * two rounds is read in the dispatcher's own time, whatever the load on the machine; Redis
 * answers for real, and `settle` lets it while the fake time stands still.
 */
const FAKE_TIME: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance'],
};

/** Fires the timers due now and lets Redis answer, until `done` holds (10 s of real time at most). */
async function settle(done: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    jest.advanceTimersByTime(0);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

interface Pushed {
  chatId: string;
  position: number;
}

/**
 * A dispatcher on the real Redis whose queue-position signals are recorded (no agents: nothing
 * is assigned), with the (fake) time each round of positions started: when it read the queue.
 */
function dispatcherOf(redis: TestRedis, state: RoutingState) {
  const pushed: Pushed[] = [];
  const rounds: number[] = [];
  const signals = {
    publish: (signal: { chat_id: string; position: number }) =>
      pushed.push({ chatId: signal.chat_id, position: signal.position }),
  } as unknown as RoutingSignals;
  const recorded = Object.create(state) as RoutingState;
  recorded.queue = (organizationId, groupId) => {
    rounds.push(Date.now());
    return state.queue(organizationId, groupId);
  };
  const clock: Clock = { now: () => new Date() };
  const config = { LIVEDESK_SUBJECT_PREFIX: `positions-${freshOrganization()}` } as RoutingConfig & ServiceConfig;
  const dispatcher = new Dispatcher(
    recorded,
    {} as ConversationCommands,
    signals,
    new RoutingTimers(redis.client, config, clock),
    redis.client,
    clock,
  );
  return { pushed, rounds, dispatcher };
}

/**
 * Pokes the group again once the first round is out, and moves the fake time to one
 * millisecond before `spacingMs`, then to it: the second round starts exactly then.
 */
async function expectNextRoundAfter(dispatcher: Dispatcher, rounds: number[], org: string, spacingMs: number) {
  dispatcher.poke(org, 'g');
  await settle(() => jest.getTimerCount() === 1, 'the next round to be planned');
  jest.advanceTimersByTime(spacingMs - 1);
  expect(rounds).toHaveLength(1);
  jest.advanceTimersByTime(1);
  expect(rounds).toHaveLength(2);
  expect(rounds[1]! - rounds[0]!).toBe(spacingMs);
}

describe('Dispatcher: queue positions', () => {
  let redis: TestRedis;
  let state: RoutingState;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client, { recovery: emptyHistoryRecovery(redis.client) });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('tells every waiting customer their place, at most every 500 ms for a short queue', async () => {
    const org = freshOrganization();
    for (let i = 1; i <= 5; i++) await queueChat(state, org, `c${i}`, 1_000 + i);
    jest.useFakeTimers(FAKE_TIME);
    const { pushed, rounds, dispatcher } = dispatcherOf(redis, state);
    try {
      dispatcher.poke(org, 'g');
      await settle(() => pushed.length === 5, 'the first positions');
      expect(pushed.map(({ chatId, position }) => [chatId, position])).toEqual([
        ['c1', 1],
        ['c2', 2],
        ['c3', 3],
        ['c4', 4],
        ['c5', 5],
      ]);
      await expectNextRoundAfter(dispatcher, rounds, org, 500);
      await settle(() => pushed.length === 10, 'the positions again');
      expect(pushed.slice(5)).toEqual(pushed.slice(0, 5));
    } finally {
      await dispatcher.onApplicationShutdown();
    }
  });

  // Every 500 ms, a queue of 3,000 customers was 6,000 pushes a second, and 10,000 waiting in a
  // burst were 20,000: the customers of a long queue are told less often (2,000 pushes a second).
  it('spreads the positions of a long queue: 3,000 waiting customers are told every 1.5 s', async () => {
    const org = freshOrganization();
    const waiting = 3000;
    for (let i = 1; i <= waiting; i++) await queueChat(state, org, `c${i}`, 1_000 + i);
    jest.useFakeTimers(FAKE_TIME);
    const { pushed, rounds, dispatcher } = dispatcherOf(redis, state);
    try {
      dispatcher.poke(org, 'g');
      await settle(() => pushed.length === waiting, 'the first positions');
      expect(pushed.at(-1)).toMatchObject({ chatId: `c${waiting}`, position: waiting });
      await expectNextRoundAfter(dispatcher, rounds, org, 1500);
      await settle(() => pushed.length === 2 * waiting, 'the positions again');
    } finally {
      await dispatcher.onApplicationShutdown();
    }
  });
});
