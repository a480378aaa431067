import type { IncomingMessage } from 'node:http';
import { AllowedOrigins } from './allowed-origins.js';
import { DeskOrigins } from './desk-origins.js';
import { originNotAllowed } from './origin-refusal.js';

/**
 * The origin rules of the token endpoints and sockets (docs/security.md, "Origins"). A request
 * without `Origin` is not from a browser page (an app, a bot, a server, curl) and passes:
 * the rules protect a visitor's or an agent's browser from other sites' pages, and such a
 * client can write any `Origin` it likes anyway.
 */
export class OriginChecks {
  constructor(
    private readonly allowedOrigins: AllowedOrigins,
    private readonly desk: DeskOrigins,
  ) {}

  /** Customers: the organization's `allowed_origins`. An unknown organization passes here and is refused by the login. */
  async requireCustomerOrigin(organizationId: string, origin: string | undefined): Promise<void> {
    if (origin === undefined) return;
    if ((await this.allowedOrigins.allows(organizationId, origin)) === false)
      throw originNotAllowed(origin, 'this organization');
  }

  /** Agents: the desk's origins. */
  requireDeskOrigin(request: Pick<IncomingMessage, 'headers'>): void {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!this.desk.allows(origin, request.headers.host)) throw originNotAllowed(origin, 'the agent desk');
  }

  /** Whether an agent socket may be opened from this request (checked at the upgrade: no organization is needed). */
  isDeskRequest(request: Pick<IncomingMessage, 'headers'>): boolean {
    const origin = request.headers.origin;
    return origin === undefined || this.desk.allows(origin, request.headers.host);
  }
}
