import { describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import { AppendNotifier } from './append-notifier.js';

/** A stand-in for Kysely that counts statements and lets the test finish each one. */
function fakeDb() {
  const pending: Array<() => void> = [];
  const db = {
    executeQuery: () => new Promise<{ rows: [] }>((resolve) => pending.push(() => resolve({ rows: [] }))),
    getExecutor: () => ({
      transformQuery: (node: unknown) => node,
      compileQuery: (node: unknown) => ({ query: node, sql: '', parameters: [] }),
      executeQuery: () => new Promise<{ rows: [] }>((resolve) => pending.push(() => resolve({ rows: [] }))),
    }),
  } as unknown as Kysely<any>;
  return { db, pending };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('AppendNotifier', () => {
  it('keeps one NOTIFY in flight and covers pokes made meanwhile with exactly one more', async () => {
    const { db, pending } = fakeDb();
    const notifier = new AppendNotifier(db);
    notifier.poke();
    await tick();
    expect(pending).toHaveLength(1);
    for (let i = 0; i < 50; i++) notifier.poke();
    await tick();
    expect(pending).toHaveLength(1);
    pending.shift()!();
    await tick();
    expect(pending).toHaveLength(1); // the one follow-up
    pending.shift()!();
    await tick();
    expect(pending).toHaveLength(0);
    notifier.poke();
    await tick();
    expect(pending).toHaveLength(1);
  });
});
