import { describe, expect, it } from '@jest/globals';
import { MicroBatcher } from './micro-batcher.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A `run` that records each batch and answers when told to. */
function recordingRun<Reply>(answer: (request: number) => Reply | Error) {
  const batches: number[][] = [];
  const release: (() => void)[] = [];
  const run = async (requests: readonly number[]) => {
    batches.push([...requests]);
    await new Promise<void>((resolve) => release.push(resolve));
    return requests.map(answer);
  };
  return { run, batches, release };
}

describe('MicroBatcher', () => {
  it('answers many concurrent requests in one batch, each with its own reply', async () => {
    const { run, batches, release } = recordingRun((n) => `reply ${n}`);
    const batcher = new MicroBatcher(run);
    const replies = Promise.all(Array.from({ length: 1_000 }, (_, n) => batcher.load(n)));
    await tick();
    for (const go of release.splice(0)) go();
    await tick();
    for (const go of release.splice(0)) go();
    expect(await replies).toEqual(Array.from({ length: 1_000 }, (_, n) => `reply ${n}`));
    expect(batches.map((batch) => batch.length)).toEqual([500, 500]);
  });

  it('gathers the requests that arrive while batches are in flight into the next one', async () => {
    const { run, batches, release } = recordingRun((n) => n * 2);
    const batcher = new MicroBatcher(run, { maxInFlight: 1 });
    const first = batcher.load(1);
    await tick();
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => batcher.load(n));
    await tick();
    expect(batches).toEqual([[1]]); // waiting for the one in flight
    release.shift()!();
    expect(await first).toBe(2);
    await tick();
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    release.shift()!();
    expect(await Promise.all(later)).toEqual([4, 6, 8]);
  });

  it("isolates a request's error: the others of its batch are answered", async () => {
    const { run, release } = recordingRun((n) => (n === 3 ? new Error('no such chat 3') : `chat ${n}`));
    const batcher = new MicroBatcher(run);
    const settled = Promise.allSettled([1, 2, 3, 4].map((n) => batcher.load(n)));
    await tick();
    release.shift()!();
    expect(await settled).toEqual([
      { status: 'fulfilled', value: 'chat 1' },
      { status: 'fulfilled', value: 'chat 2' },
      { status: 'rejected', reason: new Error('no such chat 3') },
      { status: 'fulfilled', value: 'chat 4' },
    ]);
  });

  it('fails every request of a batch whose run fails, and answers the next batch', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>(async (requests) => {
      calls += 1;
      if (calls === 1) throw new Error('connection lost');
      return requests.map((n) => n + 1);
    });
    const failed = await Promise.allSettled([batcher.load(1), batcher.load(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await Promise.all([batcher.load(5), batcher.load(6)])).toEqual([6, 7]);
  });

  it('refuses a run that answers fewer replies than requests', async () => {
    const batcher = new MicroBatcher<number, number>(async (requests) => requests.slice(1));
    await expect(Promise.all([batcher.load(1), batcher.load(2)])).rejects.toThrow(/2 requests was answered with 1/);
  });
});
