import { Controller, Get, Header, Inject, Query, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { Id, type WidgetSettings } from '@livedesk/contracts';
import { parseBody } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import { IdentityError } from '../identity-errors.js';
import { ClientAddress, OriginChecks } from '@livedesk/auth';
import { WidgetSettingsThrottle } from '../throttling/address-throttles.js';

export const WidgetSettingsQuery = z.object({ organization_id: Id }).strict();

/**
 * `GET /v1/customer/widget-settings?organization_id=` (extension): the greeting, business hours
 * and auto-open delay the widget reads when a page loads, before any token or socket. No token is
 * needed and nothing in it is secret; like the customer token, a browser page gets it only on an
 * origin the organization allows (CORS: origins/customer-cors.middleware.ts; another origin gets
 * 403 `origin_not_allowed`, unreadable to the page), and a client that sends no `Origin` gets it
 * too. An unknown organization answers 404. Browsers may keep the answer for a minute. Throttled
 * per client address (`WIDGET_SETTINGS_PER_ADDRESS_PER_MINUTE`; 429 `widget_settings_throttled`).
 */
@Controller('v1/customer')
export class WidgetSettingsController {
  constructor(
    @Inject(Directory) private readonly directory: Directory,
    @Inject(OriginChecks) private readonly origins: OriginChecks,
    @Inject(ClientAddress) private readonly clientAddress: ClientAddress,
    @Inject(WidgetSettingsThrottle) private readonly throttle: WidgetSettingsThrottle,
  ) {}

  @Get('widget-settings')
  @Header('Cache-Control', 'private, max-age=60')
  async widgetSettings(@Req() http: IncomingMessage, @Query() query: unknown): Promise<z.infer<typeof WidgetSettings>> {
    const { organization_id: organizationId } = parseBody(WidgetSettingsQuery, query);
    // Throttled first: each organization id costs the origin check and the answer a directory read.
    await this.throttle.take(this.clientAddress.of(http));
    await this.origins.requireCustomerOrigin(organizationId, http.headers.origin);
    const organization = await this.directory.getOrganization(organizationId);
    if (!organization) throw new IdentityError('not_found', `no organization "${organizationId}"`);
    return {
      organization_id: organization.id,
      welcome_message: organization.welcomeMessage,
      business_hours: organization.businessHours,
      widget_open_delay_seconds: organization.widgetOpenDelaySeconds,
    };
  }
}
