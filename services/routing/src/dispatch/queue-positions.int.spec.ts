import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Clock, ServiceConfig } from '@livedesk/service-kit';
import { createTestRedis, waitFor, type TestRedis } from '@livedesk/testing';
import type { RoutingConfig } from '../routing-config.js';
import { RoutingState } from '../state/routing-state.js';
import { emptyHistoryRecovery, freshOrganization, queueChat } from '../state/routing-test-kit.js';
import { RoutingTimers } from '../timers/routing-timers.js';
import type { ConversationCommands } from './conversation-commands.js';
import { Dispatcher } from './dispatcher.js';
import type { RoutingSignals } from './routing-signals.js';

interface Pushed {
  at: number;
  chatId: string;
  position: number;
}

/** A dispatcher on the real Redis whose queue-position signals are recorded (no agents: nothing is assigned). */
function dispatcherOf(redis: TestRedis, state: RoutingState) {
  const pushed: Pushed[] = [];
  const signals = {
    publish: (signal: { chat_id: string; position: number }) =>
      pushed.push({ at: Date.now(), chatId: signal.chat_id, position: signal.position }),
  } as unknown as RoutingSignals;
  const clock: Clock = { now: () => new Date() };
  const config = { LIVEDESK_SUBJECT_PREFIX: `positions-${freshOrganization()}` } as RoutingConfig & ServiceConfig;
  const dispatcher = new Dispatcher(
    state,
    {} as ConversationCommands,
    signals,
    new RoutingTimers(redis.client, config, clock),
    redis.client,
    clock,
  );
  return { pushed, dispatcher };
}

describe('Dispatcher: queue positions', () => {
  let redis: TestRedis;
  let state: RoutingState;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client, { recovery: emptyHistoryRecovery(redis.client) });
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  it('tells every waiting customer their place, at most every 500 ms for a short queue', async () => {
    const org = freshOrganization();
    for (let i = 1; i <= 5; i++) await queueChat(state, org, `c${i}`, 1_000 + i);
    const { pushed, dispatcher } = dispatcherOf(redis, state);
    try {
      dispatcher.poke(org, 'g');
      await waitFor(() => pushed.length === 5, { what: 'the first positions' });
      expect(pushed.map(({ chatId, position }) => [chatId, position])).toEqual([
        ['c1', 1],
        ['c2', 2],
        ['c3', 3],
        ['c4', 4],
        ['c5', 5],
      ]);
      dispatcher.poke(org, 'g');
      await waitFor(() => pushed.length === 10, { what: 'the positions again' });
      const gap = pushed[5]!.at - pushed[0]!.at;
      expect(gap).toBeGreaterThanOrEqual(450);
      expect(gap).toBeLessThan(1500);
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
    const { pushed, dispatcher } = dispatcherOf(redis, state);
    try {
      dispatcher.poke(org, 'g');
      await waitFor(() => pushed.length === waiting, { what: 'the first positions' });
      expect(pushed.at(-1)).toMatchObject({ chatId: `c${waiting}`, position: waiting });
      dispatcher.poke(org, 'g');
      await waitFor(() => pushed.length === 2 * waiting, { timeoutMs: 5000, what: 'the positions again' });
      expect(pushed[waiting]!.at - pushed[waiting - 1]!.at).toBeGreaterThanOrEqual(1450);
    } finally {
      await dispatcher.onApplicationShutdown();
    }
  });
});
