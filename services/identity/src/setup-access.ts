import type { DirectoryEditor } from '@livedesk/contracts';
import type { Directory } from './directory.js';
import type { InstallationSecrets } from '@livedesk/auth';
import { IdentityError } from './identity-errors.js';
import type { TokenService } from '@livedesk/auth';

/** Who may call the setup API: the installation admin, or an admin agent of the organization. */
export type SetupCaller =
  | { kind: 'installation_admin' }
  | { kind: 'organization_admin'; organizationId: string; agentId: string };

/**
 * Authorization of the setup endpoints (`POST /v1/organizations…`). `Authorization: Bearer`
 * carries either the installation admin token or a livedesk token; a token that is neither
 * answers 401, a valid token of someone who may not do this answers 403.
 */
export class SetupAccess {
  constructor(
    private readonly secrets: InstallationSecrets,
    private readonly tokens: TokenService,
    private readonly directory: Directory,
  ) {}

  /** Only the installation admin creates organizations. */
  async requireInstallationAdmin(authorization: string | undefined): Promise<SetupCaller> {
    const caller = await this.identify(authorization);
    if (caller.kind !== 'installation_admin')
      throw new IdentityError('authorization', 'only the installation admin may do this');
    return caller;
  }

  /** The installation admin, or an agent of role `admin` of this very organization. */
  async requireOrganizationAdmin(authorization: string | undefined, organizationId: string): Promise<SetupCaller> {
    const caller = await this.identify(authorization);
    if (caller.kind === 'installation_admin') return caller;
    if (caller.kind === 'organization_admin' && caller.organizationId === organizationId) return caller;
    throw new IdentityError(
      'authorization',
      'only the installation admin or an admin of this organization may do this',
    );
  }

  /**
   * As `requireOrganizationAdmin`, but an admin of another organization is told that there is no
   * such organization (404, docs/protocol.md v1.1: "also for another organization's ids"), so that an
   * organization's id reveals nothing to another organization's admins.
   */
  async requireOrganizationAdminHidingOthers(
    authorization: string | undefined,
    organizationId: string,
  ): Promise<SetupCaller> {
    const caller = await this.identify(authorization);
    if (caller.kind === 'installation_admin') return caller;
    if (caller.kind === 'organization_admin' && caller.organizationId === organizationId) return caller;
    if (caller.kind === 'organization_admin')
      throw new IdentityError('not_found', `no organization "${organizationId}"`);
    throw new IdentityError(
      'authorization',
      'only the installation admin or an admin of this organization may do this',
    );
  }

  /**
   * As `requireOrganizationAdmin`, or the agent `agentId` itself (`self`): an agent's own
   * settings that are theirs to choose (the daily summary email).
   */
  async requireOrganizationAdminOrSelf(
    authorization: string | undefined,
    organizationId: string,
    agentId: string,
  ): Promise<SetupCaller | { kind: 'self' }> {
    const caller = await this.identify(authorization);
    if (caller.kind === 'installation_admin') return caller;
    if (caller.kind === 'organization_admin' && caller.organizationId === organizationId) return caller;
    if (caller.kind === 'self' && caller.organizationId === organizationId && caller.agentId === agentId)
      return { kind: 'self' };
    throw new IdentityError(
      'authorization',
      'only the installation admin, an admin of this organization or the agent itself may do this',
    );
  }

  private async identify(
    authorization: string | undefined,
  ): Promise<SetupCaller | { kind: 'self'; organizationId: string; agentId: string } | { kind: 'other' }> {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (!match) throw new IdentityError('authentication', 'an Authorization: Bearer <token> header is required');
    const credential = match[1]!;
    if (this.secrets.isAdminToken(credential)) return { kind: 'installation_admin' };
    // Anything else must be a livedesk token; verify throws InvalidTokenError (authentication).
    const principal = await this.tokens.verify(credential);
    if (principal.kind !== 'agent') return { kind: 'other' };
    // The role as the directory has it now, not as it was when the token was issued.
    const agent = await this.directory.getAgent(principal.organizationId, principal.agentId);
    if (!agent || agent.disabled)
      throw new IdentityError(
        'authentication',
        'the agent of this token is disabled or no longer exists',
        'agent_revoked',
      );
    if (agent.role !== 'admin') return { kind: 'self', organizationId: agent.organizationId, agentId: agent.id };
    return { kind: 'organization_admin', organizationId: agent.organizationId, agentId: agent.id };
  }
}

/** Who a change of the directory is recorded as made by (`by` of its event, the audit log's author). */
export function editorOf(caller: SetupCaller): DirectoryEditor {
  return caller.kind === 'installation_admin'
    ? { kind: 'installation_admin' }
    : { kind: 'agent', agent_id: caller.agentId };
}
