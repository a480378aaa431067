import { apiKeySecretMatches, parseApiKey } from './api-keys.js';
import type { Directory } from './directory.js';
import { IdentityError } from './identity-errors.js';
import { normalizeEmail } from './normalize-email.js';
import type { PasswordHasher } from './password-hasher.js';
import type { AgentPrincipal } from '@livedesk/auth';
import type { LoginThrottle } from './throttling/login-throttle.js';
import type { VerificationGate } from './throttling/verification-gate.js';

// One message for an unknown email and a wrong password, so that the answer does not tell
// which emails have accounts (the decoy verification keeps the timing alike too).
const WRONG_CREDENTIALS = 'wrong email or password';
const WRONG_API_KEY = 'the API key is not valid';

/**
 * Checks an agent's credentials and answers who the agent is. Wrong credentials are counted
 * per account and per client address (`LoginThrottle`), and a locked-out attempt is refused
 * before its password is hashed; the hashing itself goes through the `VerificationGate`.
 */
export class AgentLogin {
  constructor(
    private readonly directory: Directory,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly gate: VerificationGate,
  ) {}

  async byPassword(email: string, password: string, address: string): Promise<AgentPrincipal> {
    const attempt = { account: normalizeEmail(email), address };
    await this.throttle.requireNotLockedOut(attempt);
    return this.gate.run(attempt, async () => {
      // Again: failures counted while this attempt waited its turn may have locked it out.
      await this.throttle.requireNotLockedOut(attempt);
      const agent = await this.directory.findAgentByEmail(email);
      const matches = agent
        ? await this.passwords.verify(agent.passwordHash, password)
        : await this.passwords.verifyNothing(password);
      if (!agent || !matches) {
        await this.throttle.failed(attempt);
        throw new IdentityError('authentication', WRONG_CREDENTIALS);
      }
      await this.throttle.succeeded(attempt);
      if (agent.disabled) throw new IdentityError('authorization', 'this agent is disabled', 'agent_disabled');
      // A hash of older parameters is replaced while the password is at hand (once per agent).
      if (this.passwords.needsRehash(agent.passwordHash)) {
        await this.directory.replacePasswordHash(
          agent.organizationId,
          agent.id,
          agent.passwordHash,
          await this.passwords.hash(password),
        );
      }
      return {
        kind: 'agent',
        organizationId: agent.organizationId,
        agentId: agent.id,
        role: agent.role,
        agentKind: agent.kind,
      };
    });
  }

  async byApiKey(apiKey: string, address: string): Promise<AgentPrincipal> {
    // API keys are long random secrets: only the address is counted, against key-spraying.
    const attempt = { account: undefined, address };
    await this.throttle.requireNotLockedOut(attempt);
    const parsed = parseApiKey(apiKey);
    const agent = parsed && (await this.directory.findAgentByApiKeyId(parsed.keyId));
    if (!parsed || !agent || !apiKeySecretMatches(parsed.secret, agent.apiKeyHash)) {
      await this.throttle.failed(attempt);
      throw new IdentityError('authentication', WRONG_API_KEY);
    }
    if (agent.disabled) throw new IdentityError('authorization', 'this agent is disabled', 'agent_disabled');
    return {
      kind: 'agent',
      organizationId: agent.organizationId,
      agentId: agent.id,
      role: agent.role,
      agentKind: agent.kind,
    };
  }
}
