import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Registry } from 'prom-client';
import type { Clock } from '@livedesk/service-kit';
import { createTestRedis, type TestRedis } from '@livedesk/testing';
import { groupModes } from '../dispatch/group-modes.js';
import { QueueMetrics } from './queue-metrics.js';
import { ORGANIZATIONS_KEY, ORGANIZATIONS_LISTED_KEY, routingKey } from './routing-keys.js';
import { RoutingState } from './routing-state.js';
import { emptyHistoryRecovery, freshOrganization, queueChat } from './routing-test-kit.js';

const clock: Clock = { now: () => new Date(10_000) };

describe('QueueMetrics', () => {
  let redis: TestRedis;
  let state: RoutingState;

  beforeAll(async () => {
    redis = await createTestRedis();
    state = new RoutingState(redis.client, { recovery: emptyHistoryRecovery(redis.client) });
  });

  afterAll(async () => {
    await redis?.cleanup();
  });

  /** A chat queued as the event handler queues it: the group seen first (which lists its organization). */
  async function queueSeen(organizationId: string, chatId: string, groupId: string, atMs: number) {
    await groupModes(redis.client).see(organizationId, groupId);
    await queueChat(state, organizationId, chatId, atMs, { groupId });
  }

  it('reads the queues of the listed organizations, and lists those of an older state once per Redis', async () => {
    // A state written before organizations were listed: its group is known, its organization is not listed.
    const older = freshOrganization();
    await redis.client.hsetnx(routingKey(older, 'groupModes'), 'g', 'auto');
    await queueChat(state, older, 'o1', 1_000);

    const first = new QueueMetrics(redis.client, clock, new Registry());
    expect(await first.queues()).toEqual([{ organizationId: older, groupId: 'g', depth: 1, oldestQueuedAtMs: 1_000 }]);
    expect(await redis.client.exists(ORGANIZATIONS_LISTED_KEY)).toBe(1);

    const org = freshOrganization();
    await queueSeen(org, 'c1', 'sales', 2_000);
    await queueSeen(org, 'c2', 'sales', 3_000);
    await queueSeen(org, 'c3', 'support', 4_000);
    // Left unlisted on purpose: a later process must not scan for it (the listing was done once).
    const unlisted = freshOrganization();
    await redis.client.hsetnx(routingKey(unlisted, 'groupModes'), 'g', 'auto');
    await queueChat(state, unlisted, 'u1', 5_000);

    const later = new QueueMetrics(redis.client, clock, new Registry());
    const byKey = (queues: Awaited<ReturnType<QueueMetrics['queues']>>) =>
      queues.sort((a, b) => `${a.organizationId}/${a.groupId}`.localeCompare(`${b.organizationId}/${b.groupId}`));
    expect(byKey(await later.queues())).toEqual(
      byKey([
        { organizationId: older, groupId: 'g', depth: 1, oldestQueuedAtMs: 1_000 },
        { organizationId: org, groupId: 'sales', depth: 2, oldestQueuedAtMs: 2_000 },
        { organizationId: org, groupId: 'support', depth: 1, oldestQueuedAtMs: 4_000 },
      ]),
    );
  });

  it('leaves out a queue that emptied', async () => {
    const org = freshOrganization();
    await queueSeen(org, 'c1', 'g', 1_000);
    const metrics = new QueueMetrics(redis.client, clock, new Registry());
    expect((await metrics.queues()).filter((queue) => queue.organizationId === org)).toHaveLength(1);
    await state.released(org, 'c1');
    expect((await metrics.queues()).filter((queue) => queue.organizationId === org)).toEqual([]);
  });

  it('takes an organization whose state is gone out of the list, and keeps one whose group is seen again', async () => {
    const kept = freshOrganization();
    const gone = freshOrganization();
    await queueSeen(kept, 'k1', 'g', 1_000);
    await queueSeen(gone, 'g1', 'g', 1_000);
    const metrics = new QueueMetrics(redis.client, clock, new Registry());
    await metrics.queues();
    expect(await redis.client.smismember(ORGANIZATIONS_KEY, kept, gone)).toEqual([1, 1]);

    // The organization's keys deleted (as a rebuild's clear, or a bench's clean-up, does).
    await redis.client.del(routingKey(gone, 'groupModes'), routingKey(gone, 'queue', 'g'));
    expect((await metrics.queues()).map((queue) => queue.organizationId)).not.toContain(gone);
    expect(await redis.client.smismember(ORGANIZATIONS_KEY, kept, gone)).toEqual([1, 0]);

    // Seen again: listed again, and its queue reported.
    await queueSeen(gone, 'g2', 'g', 2_000);
    expect((await metrics.queues()).filter((queue) => queue.organizationId === gone)).toEqual([
      { organizationId: gone, groupId: 'g', depth: 1, oldestQueuedAtMs: 2_000 },
    ]);
  });

  it('puts back an organization whose group was seen while the scrape took it out', async () => {
    const org = freshOrganization();
    await redis.client.sadd(ORGANIZATIONS_KEY, org);
    const metrics = new QueueMetrics(redis.client, clock, new Registry());
    // The worst order: the scrape finds no group, a `see` writes the group and lists the
    // organization, and only then does the scrape's removal land.
    const realSrem = redis.client.srem.bind(redis.client);
    const srem = jest
      .spyOn(redis.client, 'srem')
      .mockImplementationOnce(async (...args: Parameters<typeof realSrem>) => {
        await groupModes(redis.client).see(org, 'g');
        await queueChat(state, org, 'c1', 3_000);
        return realSrem(...args);
      });
    try {
      await metrics.queues();
    } finally {
      srem.mockRestore();
    }
    expect(await redis.client.sismember(ORGANIZATIONS_KEY, org)).toBe(1);
    expect((await metrics.queues()).filter((queue) => queue.organizationId === org)).toEqual([
      { organizationId: org, groupId: 'g', depth: 1, oldestQueuedAtMs: 3_000 },
    ]);
  });
});
