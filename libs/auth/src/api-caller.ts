import { ApiError } from '@livedesk/service-kit';
import type { ActiveAgents } from './active-agents.js';
import type { InstallationSecrets } from './installation-secrets.js';
import type { AgentPrincipal } from './principal.js';
import type { TokenService } from './token-service.js';

/** Who calls an HTTP API: the installation admin (ops), or an agent with a livedesk token. */
export type ApiCaller = { kind: 'installation_admin' } | { kind: 'agent'; principal: AgentPrincipal };

/**
 * The caller of an ops or agent HTTP API from its `Authorization: Bearer …` header: the
 * installation admin token, or an agent's livedesk token. No header, or a credential that is
 * neither, answers 401; a customer's token answers 403 (customers use the WebSocket protocol).
 * A well-signed token of an agent the directory no longer has, or has disabled, answers 401
 * `agent_revoked`: tokens are revocable, not trusted until they expire.
 */
export class ApiCallers {
  constructor(
    private readonly secrets: InstallationSecrets,
    private readonly tokens: TokenService,
    private readonly activeAgents: ActiveAgents,
  ) {}

  async identify(authorization: string | undefined): Promise<ApiCaller> {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (!match)
      throw new ApiError('authentication', 'an Authorization: Bearer <token> header is required', 'no_credentials');
    const credential = match[1]!;
    if (this.secrets.isAdminToken(credential)) return { kind: 'installation_admin' };
    const principal = await this.tokens.verify(credential);
    if (principal.kind !== 'agent')
      throw new ApiError('authorization', 'customers have no access to this API', 'customers_not_allowed');
    if (!(await this.activeAgents.isActive(principal.organizationId, principal.agentId))) {
      throw new ApiError('authentication', 'the agent of this token is disabled or no longer exists', 'agent_revoked');
    }
    return { kind: 'agent', principal };
  }

  /**
   * The installation admin, or a supervisor or admin of `organizationId`. Another organization
   * is refused like a missing permission: the answer does not tell whether it exists.
   */
  async requireSupervisor(authorization: string | undefined, organizationId: string): Promise<ApiCaller> {
    const caller = await this.identify(authorization);
    if (caller.kind === 'installation_admin') return caller;
    if (caller.principal.organizationId !== organizationId) {
      throw new ApiError('authorization', 'the token is not of this organization', 'other_organization');
    }
    if (caller.principal.role === 'agent')
      throw new ApiError('authorization', 'only supervisors and admins may do this', 'supervisors_only');
    return caller;
  }

  /** The installation admin, or any agent of `organizationId`. */
  async requireAgentOf(authorization: string | undefined, organizationId: string): Promise<ApiCaller> {
    const caller = await this.identify(authorization);
    if (caller.kind === 'agent' && caller.principal.organizationId !== organizationId) {
      throw new ApiError('authorization', 'the token is not of this organization', 'other_organization');
    }
    return caller;
  }

  /** Only the installation admin. */
  async requireInstallationAdmin(authorization: string | undefined): Promise<void> {
    const caller = await this.identify(authorization);
    if (caller.kind !== 'installation_admin')
      throw new ApiError('authorization', 'only the installation admin may do this', 'installation_admin_only');
  }
}
