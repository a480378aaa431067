import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@livedesk/event-store';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { routingKey } from '../state/routing-keys.js';
import { freshOrganization } from '../state/routing-test-kit.js';
import { applyInOrder, type PositionRecovery } from './apply-in-order.js';

const CATCH_UP_AFTER_MS = 30_000;

function eventOf(organizationId: string, streamVersion: number): RecordedEvent {
  return {
    eventId: `e${streamVersion}`,
    streamId: 'conversation-c1',
    streamVersion,
    globalPosition: streamVersion,
    transactionId: '1',
    organizationId,
    type: 'TagAdded',
    schemaVersion: 1,
    data: { tag: 't' },
    metadata: {},
    occurredAt: new Date(0),
  };
}

/**
 * The recovery as applyInOrder sees it, over the real Redis: a rebuild writes the epoch (and the
 * positions it was told to), a catch-up writes the position it is asked for, and the event
 * store's answer to "how long ago was this version stored" is set by the test. Calls are recorded.
 */
function recoveryOver(
  redis: TestRedis,
  options: { storedAgoMs: number | null; rebuildPositions?: Record<string, number> },
) {
  const calls: string[] = [];
  const recovery: PositionRecovery = {
    watch: () => undefined,
    async recover(organizationId) {
      calls.push('recover');
      for (const [streamId, version] of Object.entries(options.rebuildPositions ?? {})) {
        await redis.client.set(routingKey(organizationId, 'applied', streamId), version);
      }
      await redis.client.set(routingKey(organizationId, 'epoch'), '{}');
    },
    async storedAgoMs(streamId, version) {
      calls.push(`stored-ago ${streamId} v${version}`);
      return options.storedAgoMs;
    },
    async catchUpChat(organizationId, streamId, upToVersion) {
      calls.push(`catch-up ${streamId} to v${upToVersion}`);
      await redis.client.set(routingKey(organizationId, 'applied', streamId), upToVersion, 'NX');
      return true;
    },
  };
  return { recovery, calls };
}

describe('applyInOrder: each chat event once, in order, over a state Redis may lose', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await createTestRedis();
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  // The halt this guards against: a lost position read as 0 made every later event of every
  // chat `out_of_order` until the subscription gave up on it.
  it('rebuilds a lost state before reading a position, then applies the next event', async () => {
    const org = freshOrganization();
    const { recovery, calls } = recoveryOver(redis, { storedAgoMs: 5, rebuildPositions: { 'conversation-c1': 4 } });
    const handled: number[] = [];
    const apply = (version: number) =>
      applyInOrder(
        redis.client,
        recovery,
        CATCH_UP_AFTER_MS,
        eventOf(org, version),
        async () => void handled.push(version),
      );

    expect(await apply(4)).toBe('already_applied');
    expect(calls).toEqual(['recover']);
    expect(await apply(5)).toBe('applied');
    expect(handled).toEqual([5]);
    expect(await redis.client.get(routingKey(org, 'applied', 'conversation-c1'))).toBe('5');
  });

  it('catches a chat with an unknown position up from its stream when the predecessor was stored long ago', async () => {
    const org = freshOrganization();
    await redis.client.set(routingKey(org, 'epoch'), '{}');
    const { recovery, calls } = recoveryOver(redis, { storedAgoMs: CATCH_UP_AFTER_MS + 1 });
    const handled: number[] = [];

    expect(
      await applyInOrder(redis.client, recovery, CATCH_UP_AFTER_MS, eventOf(org, 7), async () => void handled.push(7)),
    ).toBe('applied');
    expect(calls).toEqual(['stored-ago conversation-c1 v6', 'catch-up conversation-c1 to v6']);
    expect(handled).toEqual([7]);
  });

  it('waits for a young predecessor, which may still be on its way to another replica', async () => {
    const org = freshOrganization();
    await redis.client.set(routingKey(org, 'epoch'), '{}');
    const { recovery, calls } = recoveryOver(redis, { storedAgoMs: 200 });
    let handled = false;

    expect(
      await applyInOrder(redis.client, recovery, CATCH_UP_AFTER_MS, eventOf(org, 2), async () => void (handled = true)),
    ).toBe('out_of_order');
    expect(calls).toEqual(['stored-ago conversation-c1 v1']);
    expect(handled).toBe(false);
    // The first event needs no predecessor.
    expect(await applyInOrder(redis.client, recovery, CATCH_UP_AFTER_MS, eventOf(org, 1), async () => undefined)).toBe(
      'applied',
    );
    expect(
      await applyInOrder(redis.client, recovery, CATCH_UP_AFTER_MS, eventOf(org, 2), async () => void (handled = true)),
    ).toBe('applied');
    expect(handled).toBe(true);
  });

  it('never moves a position back when a slow replica finishes an older event last', async () => {
    const org = freshOrganization();
    await redis.client.set(routingKey(org, 'epoch'), '{}');
    const { recovery } = recoveryOver(redis, { storedAgoMs: null });
    let release: () => void = () => undefined;
    const slow = applyInOrder(
      redis.client,
      recovery,
      CATCH_UP_AFTER_MS,
      eventOf(org, 1),
      () => new Promise<void>((resolve) => (release = resolve)),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Meanwhile the position moved past it (a catch-up by another replica).
    await redis.client.set(routingKey(org, 'applied', 'conversation-c1'), '3');
    release();
    expect(await slow).toBe('applied');
    expect(await redis.client.get(routingKey(org, 'applied', 'conversation-c1'))).toBe('3');
  });
});
