import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { AgentTokenRequest, CustomerTokenRequest, type TokenResponse } from '@livedesk/contracts';
import { AgentLogin } from './agent-login.js';
import { CustomerLogin } from './customer-login.js';
import { parseBody } from '@livedesk/service-kit';
import { ClientAddress, TokenService } from '@livedesk/auth';
import { CustomerTokenThrottle } from './throttling/address-throttles.js';
import { OriginChecks } from '@livedesk/auth';

const [PasswordLogin, ApiKeyLogin] = AgentTokenRequest.options;

/**
 * `POST /v1/customer/token` and `POST /v1/agent/token` (docs/protocol.md). They answer 200: the
 * token is handed out, not a resource created (a customer row may be, as a side effect).
 * Both are throttled by the client's address (`ClientAddress`: X-Forwarded-For only from
 * trusted proxies), agent logins by account too; a throttled request answers 429 with Retry-After.
 * A browser page's request is checked against its origin first (origins/origin-checks.ts): the
 * organization's `allowed_origins` for customers, the desk's origins for agents; 403
 * `origin_not_allowed` otherwise.
 */
@Controller('v1')
export class TokenController {
  constructor(
    @Inject(AgentLogin) private readonly agentLogin: AgentLogin,
    @Inject(CustomerLogin) private readonly customerLogin: CustomerLogin,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(ClientAddress) private readonly clientAddress: ClientAddress,
    @Inject(CustomerTokenThrottle) private readonly customerTokens: CustomerTokenThrottle,
    @Inject(OriginChecks) private readonly origins: OriginChecks,
  ) {}

  @Post('customer/token')
  @HttpCode(HttpStatus.OK)
  async customerToken(@Req() http: IncomingMessage, @Body() body: unknown): Promise<z.infer<typeof TokenResponse>> {
    const request = parseBody(CustomerTokenRequest, body);
    // Throttled first: each new organization id costs the origin check a directory read.
    await this.customerTokens.take(this.clientAddress.of(http));
    await this.origins.requireCustomerOrigin(request.organization_id, http.headers.origin);
    return this.tokens.issue(await this.customerLogin.login(request.organization_id, request.identity));
  }

  @Post('agent/token')
  @HttpCode(HttpStatus.OK)
  async agentToken(@Req() http: IncomingMessage, @Body() body: unknown): Promise<z.infer<typeof TokenResponse>> {
    this.origins.requireDeskOrigin(http);
    const address = this.clientAddress.of(http);
    // The request is one of two shapes; parsing the one it means gives errors about that one
    // ("password is required"), where the union would only say that neither matched.
    if (typeof body === 'object' && body !== null && 'api_key' in body) {
      const { api_key } = parseBody(ApiKeyLogin, body);
      return this.tokens.issue(await this.agentLogin.byApiKey(api_key, address));
    }
    const { email, password } = parseBody(PasswordLogin, body);
    return this.tokens.issue(await this.agentLogin.byPassword(email, password, address));
  }
}
