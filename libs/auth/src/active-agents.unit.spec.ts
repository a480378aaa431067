import { describe, expect, it } from '@jest/globals';
import { CachedActiveAgents, type ActiveAgents } from './active-agents.js';

/** A directory whose answers the test sets, counting the questions it gets. */
class CountingDirectory implements ActiveAgents {
  readonly active = new Set<string>();
  asked = 0;
  pending: (() => void) | undefined;

  async isActive(organizationId: string, agentId: string): Promise<boolean> {
    this.asked += 1;
    const answer = this.active.has(`${organizationId}/${agentId}`);
    if (this.pending === undefined) return answer;
    await new Promise<void>((resolve) => (this.pending = resolve));
    return answer;
  }
}

describe('CachedActiveAgents', () => {
  it('keeps an answer for its time, then asks again', async () => {
    let now = 0;
    const directory = new CountingDirectory();
    directory.active.add('org/alice');
    const cache = new CachedActiveAgents(directory, { ttlMs: 1000, now: () => now });
    expect(await cache.isActive('org', 'alice')).toBe(true);
    directory.active.delete('org/alice');
    expect(await cache.isActive('org', 'alice')).toBe(true);
    expect(directory.asked).toBe(1);
    now = 1001;
    expect(await cache.isActive('org', 'alice')).toBe(false);
    expect(directory.asked).toBe(2);
  });

  it('asks again at once for an agent it was told changed', async () => {
    const directory = new CountingDirectory();
    directory.active.add('org/alice');
    const cache = new CachedActiveAgents(directory, { ttlMs: 60_000 });
    expect(await cache.isActive('org', 'alice')).toBe(true);
    directory.active.delete('org/alice');
    cache.forget('org', 'alice');
    expect(await cache.isActive('org', 'alice')).toBe(false);
  });

  it('does not keep an answer that a change signal overtook while the directory was asked', async () => {
    const directory = new CountingDirectory();
    directory.active.add('org/alice');
    directory.pending = () => undefined;
    const cache = new CachedActiveAgents(directory, { ttlMs: 60_000 });
    const asking = cache.isActive('org', 'alice');
    await new Promise((resolve) => setImmediate(resolve));
    directory.active.delete('org/alice');
    cache.forget('org', 'alice');
    directory.pending!();
    directory.pending = undefined;
    expect(await asking).toBe(true);
    expect(await cache.isActive('org', 'alice')).toBe(false);
  });

  it('keeps at most maxEntries answers, forgetting the oldest', async () => {
    const directory = new CountingDirectory();
    const cache = new CachedActiveAgents(directory, { ttlMs: 60_000, maxEntries: 2 });
    for (const agent of ['a', 'b', 'c']) await cache.isActive('org', agent);
    await cache.isActive('org', 'c');
    expect(directory.asked).toBe(3);
    await cache.isActive('org', 'a');
    expect(directory.asked).toBe(4);
  });
});
