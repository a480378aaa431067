import { describe, expect, it } from '@jest/globals';
import { together } from './together.js';

const after = <T>(ms: number, value: T, fail = false): Promise<T> =>
  new Promise((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

describe('together', () => {
  it("answers the steps' values in order", async () => {
    const [a, b, c] = await together([after(20, 'a'), after(1, 2), undefined]);
    expect([a, b, c]).toEqual(['a', 2, undefined]);
  });

  it('throws the first failure only once every step has ended', async () => {
    let slowDone = false;
    const slow = after(40, 'slow').then((value) => {
      slowDone = true;
      return value;
    });
    await expect(together([after(1, 'first', true), slow, after(5, 'second', true)])).rejects.toThrow('first');
    expect(slowDone).toBe(true);
  });
});
