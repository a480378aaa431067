import { Controller, Get, Headers, Param } from '@nestjs/common';
import { ApiCallers } from '@livedesk/auth';
import { MailboxAddresses } from '../email/inbound/mailbox-addresses.js';

/**
 * The organization's inbound address: forward the support address of the company (or point a
 * domain's MX) to it, and every email to it becomes a ticket or a reply of the organization.
 */
@Controller('v1/organizations/:organizationId/mailbox')
export class MailboxController {
  constructor(
    private readonly callers: ApiCallers,
    private readonly mailboxes: MailboxAddresses,
  ) {}

  @Get()
  async mailbox(
    @Param('organizationId') organizationId: string,
    @Headers('authorization') authorization: string | undefined,
  ) {
    await this.callers.requireSupervisor(authorization, organizationId);
    return { organization_id: organizationId, address: this.mailboxes.addressOf(organizationId) };
  }
}
