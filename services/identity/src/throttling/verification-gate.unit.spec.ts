import { describe, expect, it } from '@jest/globals';
import { RateLimitedError } from '@livedesk/service-kit';
import { VerificationGate } from './verification-gate.js';

/** A verification that ends when the test says so, recording when it started. */
function controlled(log: string[], name: string) {
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  return {
    verify: async () => {
      log.push(name);
      await ended;
      return name;
    },
    finish,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('VerificationGate', () => {
  it("runs one account's attempts one after another, so another account takes a free slot at once", async () => {
    const gate = new VerificationGate({ concurrency: 2, maxWaitingPerAccount: 5, maxWaitingPerAddress: 10 });
    const log: string[] = [];
    const guesses = [1, 2, 3].map((n) => controlled(log, `guess-${n}`));
    const running = guesses.map((guess) =>
      gate.run({ account: 'victim@x.test', address: '203.0.113.9' }, guess.verify),
    );
    const other = controlled(log, 'other');
    const otherLogin = gate.run({ account: 'other@x.test', address: '198.51.100.7' }, other.verify);
    await tick();
    expect(log).toEqual(['guess-1', 'other']);
    other.finish();
    await expect(otherLogin).resolves.toBe('other');
    for (const guess of guesses) guess.finish();
    await expect(Promise.all(running)).resolves.toEqual(['guess-1', 'guess-2', 'guess-3']);
    expect(gate.tracked).toEqual({ accounts: 0, addresses: 0 });
  });

  it("gives another address's login a turn between one address's guesses at many accounts", async () => {
    const gate = new VerificationGate({ concurrency: 1, maxWaitingPerAccount: 5, maxWaitingPerAddress: 10 });
    const log: string[] = [];
    const guesses = [1, 2, 3, 4].map((n) => controlled(log, `guess-${n}`));
    const running = guesses.map((guess, n) =>
      gate.run({ account: `nobody-${n}@x.test`, address: '203.0.113.9' }, guess.verify),
    );
    const other = controlled(log, 'other');
    const otherLogin = gate.run({ account: 'other@x.test', address: '198.51.100.7' }, other.verify);
    await tick();
    guesses[0]!.finish();
    await tick();
    guesses[1]!.finish();
    await tick();
    // The sprayer's queue came first, so it has the first turn; then the other address's.
    expect(log).toEqual(['guess-1', 'guess-2', 'other']);
    other.finish();
    await otherLogin;
    for (const guess of guesses) guess.finish();
    await Promise.all(running);
    expect(log).toEqual(['guess-1', 'guess-2', 'other', 'guess-3', 'guess-4']);
  });

  it('answers 429 at once to attempts beyond what an account or an address may have waiting', async () => {
    const gate = new VerificationGate({ concurrency: 1, maxWaitingPerAccount: 1, maxWaitingPerAddress: 3 });
    const log: string[] = [];
    const held = controlled(log, 'held');
    const first = gate.run({ account: 'a@x.test', address: '203.0.113.9' }, held.verify);
    const second = gate.run({ account: 'a@x.test', address: '203.0.113.9' }, async () => 'second');
    await expect(gate.run({ account: 'a@x.test', address: '203.0.113.9' }, async () => 'third')).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    const other = gate.run({ account: 'b@x.test', address: '203.0.113.9' }, async () => 'other');
    await expect(gate.run({ account: 'c@x.test', address: '203.0.113.9' }, async () => 'fourth')).rejects.toThrow(
      /too many logins in progress/,
    );
    held.finish();
    await expect(Promise.all([first, second, other])).resolves.toEqual(['held', 'second', 'other']);
    expect(gate.tracked).toEqual({ accounts: 0, addresses: 0 });
  });

  it('frees the lane of an attempt whose verification failed', async () => {
    const gate = new VerificationGate({ concurrency: 1, maxWaitingPerAccount: 0, maxWaitingPerAddress: 1 });
    await expect(
      gate.run({ account: 'a@x.test', address: '203.0.113.9' }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(gate.run({ account: 'a@x.test', address: '203.0.113.9' }, async () => 'again')).resolves.toBe('again');
  });
});
