import * as argon2 from 'argon2';

/**
 * Agent passwords, hashed with argon2id (the argon2 package's default parameters: 64 MiB,
 * 3 passes, 4 lanes). The PHC string it returns carries salt and parameters, so stronger
 * parameters later still verify old hashes.
 */
export class PasswordHasher {
  private decoy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(passwordHash, password);
    } catch {
      return false; // a malformed stored hash matches nothing
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
