import { describe, expect, it } from '@jest/globals';
import { FairSlots } from './fair-slots.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Tasks that end when the test says so, recording the order they started in. */
function tasks() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const task = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      releases.set(name, () => resolve(name));
    });
  return { started, task, release: (name: string) => releases.get(name)!() };
}

describe('FairSlots', () => {
  it('gives a freed slot to a group with nothing running before the group that holds the others', async () => {
    const slots = new FairSlots(2);
    const { started, task, release } = tasks();
    const all = ['s1', 's2', 's3', 's4'].map((name) => slots.run('sprayer', task(name)));
    all.push(slots.run('office', task('o1')));
    await tick();
    expect(started).toEqual(['s1', 's2']);
    release('s1');
    await tick();
    expect(started).toEqual(['s1', 's2', 'o1']);
    for (const name of ['s2', 'o1', 's3', 's4']) {
      release(name);
      await tick();
    }
    await expect(Promise.all(all)).resolves.toEqual(['s1', 's2', 's3', 's4', 'o1']);
    expect(started).toEqual(['s1', 's2', 'o1', 's3', 's4']);
    expect(slots.tracked).toEqual({ waiting: 0, runningGroups: 0 });
  });

  it('lets groups with as many running take turns', async () => {
    const slots = new FairSlots(1);
    const { started, task, release } = tasks();
    const all = [
      slots.run('a', task('a1')),
      slots.run('a', task('a2')),
      slots.run('a', task('a3')),
      slots.run('b', task('b1')),
      slots.run('b', task('b2')),
    ];
    for (const name of ['a1', 'a2', 'b1', 'a3', 'b2']) {
      await tick();
      expect(started.at(-1)).toBe(name);
      release(name);
    }
    await Promise.all(all);
  });

  it('runs up to its concurrency at once, and frees a slot whose task failed', async () => {
    const slots = new FairSlots(2);
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      running -= 1;
    };
    await Promise.all(Array.from({ length: 6 }, (_, n) => slots.run(`g${n % 3}`, task)));
    expect(most).toBe(2);
    await expect(
      slots.run('g', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(
      Promise.all([slots.run('g', async () => 1), slots.run('h', async () => 2), slots.run('g', async () => 3)]),
    ).resolves.toEqual([1, 2, 3]);
    expect(slots.tracked).toEqual({ waiting: 0, runningGroups: 0 });
  });
});
