import * as argon2 from 'argon2';

/**
 * argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). The argon2 package's
 * default (64 MiB, 3 passes, 4 lanes) took 142 ms of a core per verification on this project's
 * 2-core machine, so 100 agents logging in at once waited 12 s; these take 33 ms (100 at once:
 * 1.6 s; `bench/RESULTS.md`, logins), still memory-hard against GPU guessing.
 */
export const PASSWORD_HASHING = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Agent passwords, hashed with argon2id. The PHC string a hash is stored as carries its salt and
 * parameters, so hashes made with other parameters still verify; `needsRehash` tells the login
 * to store a new one made with today's.
 */
export class PasswordHasher {
  private decoy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, PASSWORD_HASHING);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(passwordHash, password);
    } catch {
      return false; // a malformed stored hash matches nothing
    }
  }

  /** Whether a stored hash was made with other parameters than today's. */
  needsRehash(passwordHash: string): boolean {
    try {
      return argon2.needsRehash(passwordHash, PASSWORD_HASHING);
    } catch {
      return false;
    }
  }

  /**
   * Spends the time of one verification and answers false. A login for an unknown email runs
   * it, so that the answer time does not tell which emails have accounts.
   */
  async verifyNothing(password: string): Promise<false> {
    this.decoy ??= this.hash('livedesk decoy password');
    await this.verify(await this.decoy, password);
    return false;
  }
}
