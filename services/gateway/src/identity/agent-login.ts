import { apiKeySecretMatches, parseApiKey } from './api-keys.js';
import type { Directory } from './directory.js';
import { IdentityError } from './identity-errors.js';
import type { PasswordHasher } from './password-hasher.js';
import type { AgentPrincipal } from '@livedesk/auth';

// One message for an unknown email and a wrong password, so that the answer does not tell
// which emails have accounts (the decoy verification keeps the timing alike too).
const WRONG_CREDENTIALS = 'wrong email or password';
const WRONG_API_KEY = 'the API key is not valid';

/** Checks an agent's credentials and answers who the agent is. */
export class AgentLogin {
  constructor(
    private readonly directory: Directory,
    private readonly passwords: PasswordHasher,
  ) {}

  async byPassword(email: string, password: string): Promise<AgentPrincipal> {
    const agent = await this.directory.findAgentByEmail(email);
    if (!agent) {
      await this.passwords.verifyNothing(password);
      throw new IdentityError('authentication', WRONG_CREDENTIALS);
    }
    if (!(await this.passwords.verify(agent.passwordHash, password))) throw new IdentityError('authentication', WRONG_CREDENTIALS);
    return { kind: 'agent', organizationId: agent.organizationId, agentId: agent.id, role: agent.role, agentKind: agent.kind };
  }

  async byApiKey(apiKey: string): Promise<AgentPrincipal> {
    const parsed = parseApiKey(apiKey);
    if (!parsed) throw new IdentityError('authentication', WRONG_API_KEY);
    const agent = await this.directory.findAgentByApiKeyId(parsed.keyId);
    if (!agent || !apiKeySecretMatches(parsed.secret, agent.apiKeyHash)) throw new IdentityError('authentication', WRONG_API_KEY);
    return { kind: 'agent', organizationId: agent.organizationId, agentId: agent.id, role: agent.role, agentKind: agent.kind };
  }
}
