import { RateLimitedError } from '@livedesk/service-kit';
import { FairSlots } from './fair-slots.js';
import type { LoginAttempt } from './login-attempt.js';

export interface VerificationGateOptions {
  /** Verifications at once in this process. */
  concurrency: number;
  /** Attempts of one account waiting behind the one that runs. */
  maxWaitingPerAccount: number;
  /** Attempts of one address, running or waiting. */
  maxWaitingPerAddress: number;
}

/**
 * Password verifications (argon2: 64 MiB, a few hundred milliseconds of a core each) run
 * through here. At most `concurrency` run at once; the attempts of one account run one after
 * another, so that any number of concurrent guesses at one account hold one slot and another
 * agent's login finds a free one (24 concurrent wrong passwords delayed another agent's login
 * to about 6 s); client addresses take turns for the slots (`FairSlots`), so that guesses at
 * many accounts from one address hold another address's login back by one turn. An account or
 * an address with too many attempts waiting is answered 429 at once instead of queueing
 * without bound.
 */
export class VerificationGate {
  private readonly slots: FairSlots;
  /** Per account: the end of its queue, and how many of its attempts run or wait. */
  private readonly accounts = new Map<string, { tail: Promise<void>; count: number }>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly options: VerificationGateOptions) {
    this.slots = new FairSlots(options.concurrency);
  }

  async run<T>(attempt: LoginAttempt, verify: () => Promise<T>): Promise<T> {
    const key = attempt.account ?? `address:${attempt.address}`;
    const lane = this.accounts.get(key) ?? { tail: Promise.resolve(), count: 0 };
    const fromAddress = this.perAddress.get(attempt.address) ?? 0;
    if (lane.count > this.options.maxWaitingPerAccount || fromAddress >= this.options.maxWaitingPerAddress) {
      throw new RateLimitedError('too many logins in progress; try again in a moment', 1000, 'login_busy');
    }
    lane.count += 1;
    this.accounts.set(key, lane);
    this.perAddress.set(attempt.address, fromAddress + 1);
    const previous = lane.tail;
    let done!: () => void;
    lane.tail = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      return await this.slots.run(attempt.address, verify);
    } finally {
      done();
      lane.count -= 1;
      if (lane.count === 0) this.accounts.delete(key);
      const left = (this.perAddress.get(attempt.address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(attempt.address, left);
      else this.perAddress.delete(attempt.address);
    }
  }

  /** Accounts and addresses with attempts under way (for tests: nothing is kept once they end). */
  get tracked(): { accounts: number; addresses: number } {
    return { accounts: this.accounts.size, addresses: this.perAddress.size };
  }
}
